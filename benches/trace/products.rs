//! The product lines of the trace bench's cooperatives: what their members
//! harvest, the two stages each cooperative runs, and how lots are sized,
//! placed and split.

use crate::support::SplitMix64;
use coop_ledger::domain::builder;
use coop_ledger::domain::product::{Category, Origin, Process, Product, Scheme};
use coop_ledger::domain::quantity::Unit;
use coop_ledger::domain::statement::Region;

/// One processing stage of a product line.
pub(crate) struct Stage {
    pub(crate) process: Process,
    pub(crate) name: &'static str,
    pub(crate) unit: Unit,
    /// Output per 100 of input (same unit), before packing.
    pub(crate) yield_pct: u64,
    /// Input thousandths per packed piece or box; 0 keeps the input's unit.
    pub(crate) pack_milli: u64,
}

impl Stage {
    /// What `input` thousandths of the input make.
    pub(crate) fn output(&self, input: u64) -> u64 {
        let kept = input * self.yield_pct / 100;
        kept.checked_div(self.pack_milli)
            .map_or(kept, |pieces| pieces.max(2) * 1000)
    }
}

/// A cooperative's product line: its lots and the two stages it runs.
pub(crate) struct Profile {
    pub(crate) category: Category,
    pub(crate) coop_word: &'static str,
    pub(crate) lot: &'static str,
    pub(crate) unit: Unit,
    /// Lot size range, whole units.
    pub(crate) lot_min: u64,
    pub(crate) lot_max: u64,
    pub(crate) region: (&'static str, &'static str, &'static str),
    pub(crate) place: &'static str,
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) scheme: Scheme,
    pub(crate) stages: [Stage; 2],
    pub(crate) ocop_stars: Option<u8>,
}

pub(crate) const PROFILES: [Profile; 5] = [
    Profile {
        category: Category::Rice,
        coop_word: "Lúa gạo",
        lot: "Lúa tươi ST25",
        unit: Unit::Kg,
        lot_min: 500,
        lot_max: 5000,
        region: ("Sóc Trăng", "Mỹ Xuyên", "Gia Hòa 1"),
        place: "Xã Gia Hòa 1, Mỹ Xuyên, Sóc Trăng",
        lat: 9.5341,
        lon: 105.9876,
        scheme: Scheme::VietGap,
        stages: [
            Stage {
                process: Process::Drying,
                name: "Lúa khô ST25",
                unit: Unit::Kg,
                yield_pct: 82,
                pack_milli: 0,
            },
            Stage {
                process: Process::Milling,
                name: "Gạo ST25",
                unit: Unit::Kg,
                yield_pct: 65,
                pack_milli: 0,
            },
        ],
        ocop_stars: None,
    },
    Profile {
        category: Category::Fruit,
        coop_word: "Vải thiều",
        lot: "Vải thiều Lục Ngạn",
        unit: Unit::Kg,
        lot_min: 300,
        lot_max: 3000,
        region: ("Bắc Giang", "Lục Ngạn", "Phượng Sơn"),
        place: "Xã Phượng Sơn, Lục Ngạn, Bắc Giang",
        lat: 21.3702,
        lon: 106.6231,
        scheme: Scheme::GlobalGap,
        stages: [
            Stage {
                process: Process::Processing,
                name: "Vải thiều tuyển chọn",
                unit: Unit::Kg,
                yield_pct: 90,
                pack_milli: 0,
            },
            Stage {
                process: Process::Packing,
                name: "Vải thiều hộp 2 kg",
                unit: Unit::Box,
                yield_pct: 100,
                pack_milli: 2000,
            },
        ],
        ocop_stars: None,
    },
    Profile {
        category: Category::Vegetable,
        coop_word: "Rau an toàn",
        lot: "Rau cải ngọt",
        unit: Unit::Kg,
        lot_min: 100,
        lot_max: 800,
        region: ("Hà Nội", "Mê Linh", "Tráng Việt"),
        place: "Xã Tráng Việt, Mê Linh, Hà Nội",
        lat: 21.1357,
        lon: 105.7362,
        scheme: Scheme::VietGap,
        stages: [
            Stage {
                process: Process::Processing,
                name: "Rau cải ngọt sơ chế",
                unit: Unit::Kg,
                yield_pct: 85,
                pack_milli: 0,
            },
            Stage {
                process: Process::Packing,
                name: "Rau cải ngọt túi 500 g",
                unit: Unit::Piece,
                yield_pct: 100,
                pack_milli: 500,
            },
        ],
        ocop_stars: None,
    },
    Profile {
        category: Category::Seafood,
        coop_word: "Nuôi tôm",
        lot: "Tôm sú sinh thái",
        unit: Unit::Kg,
        lot_min: 200,
        lot_max: 2000,
        region: ("Cà Mau", "Cái Nước", "Tân Hưng"),
        place: "Xã Tân Hưng, Cái Nước, Cà Mau",
        lat: 8.9405,
        lon: 105.0213,
        scheme: Scheme::Organic,
        stages: [
            Stage {
                process: Process::Processing,
                name: "Tôm sú bóc vỏ đông lạnh",
                unit: Unit::Kg,
                yield_pct: 60,
                pack_milli: 0,
            },
            Stage {
                process: Process::Packing,
                name: "Tôm sú đông lạnh hộp 1 kg",
                unit: Unit::Box,
                yield_pct: 100,
                pack_milli: 1000,
            },
        ],
        ocop_stars: None,
    },
    Profile {
        category: Category::Ocop,
        coop_word: "Mật ong",
        lot: "Mật ong hoa nhãn",
        unit: Unit::L,
        lot_min: 20,
        lot_max: 300,
        region: ("Hưng Yên", "Khoái Châu", "Hàm Tử"),
        place: "Xã Hàm Tử, Khoái Châu, Hưng Yên",
        lat: 20.8326,
        lon: 105.9701,
        scheme: Scheme::Ocop,
        stages: [
            Stage {
                process: Process::Processing,
                name: "Mật ong hoa nhãn lọc",
                unit: Unit::L,
                yield_pct: 95,
                pack_milli: 0,
            },
            Stage {
                process: Process::Packing,
                name: "Mật ong hoa nhãn chai 500 ml",
                unit: Unit::Piece,
                yield_pct: 100,
                pack_milli: 500,
            },
        ],
        ocop_stars: Some(4),
    },
];

impl Profile {
    pub(crate) fn product(&self, name: &str, finished: bool) -> Product {
        Product {
            ocop_stars: self
                .ocop_stars
                .filter(|_| finished)
                .and_then(builder::stars),
            ..builder::product(self.category, name)
        }
    }

    pub(crate) fn region(&self) -> Region {
        let (province, district, commune) = self.region;
        builder::region(province, Some(district), Some(commune))
    }

    /// Where a lot was grown, a little apart from its neighbours.
    pub(crate) fn origin(&self, rng: &mut SplitMix64) -> Origin {
        let jitter = |r: &mut SplitMix64| (r.below(2001) as f64 - 1000.0) / 100_000.0;
        let lat = ((self.lat + jitter(rng)) * 1e4).round() / 1e4;
        let lon = ((self.lon + jitter(rng)) * 1e4).round() / 1e4;
        Origin {
            lat: Some(lat),
            lon: Some(lon),
            ..builder::place(self.place)
        }
    }

    /// A lot size in thousandths, with one decimal.
    pub(crate) fn lot_milli(&self, rng: &mut SplitMix64) -> u64 {
        self.lot_min * 1000 + rng.below((self.lot_max - self.lot_min) * 10) * 100
    }
}

/// Splits `total` thousandths in about 3/4 and 1/4; whole units for pieces
/// and boxes.
pub(crate) fn split_amounts(total: u64, unit: Unit) -> (u64, u64) {
    let mut a = total * 3 / 4;
    if matches!(unit, Unit::Piece | Unit::Box) {
        a = (a / 1000).max(1) * 1000;
    }
    assert!(a > 0 && a < total, "{total} thousandths split in two");
    (a, total - a)
}
