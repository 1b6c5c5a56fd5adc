//! The sample ledger behind `coop-ledger demo`: realistic Vietnamese
//! cooperatives, members, businesses, an auditor and authorities, and the
//! chains they log, all through the same submission path as any client
//! (`Ledger::submit`, so every statement passes the real rules; a refusal
//! stops the demo with its code).
//!
//! The story, with every time counted back from the clock (the ledger
//! refuses an `at` in the future) and in order:
//!
//! 1. Rice: three member households of an ST25 rice–shrimp cooperative in
//!    Mỹ Xuyên, Sóc Trăng log their VietGAP paddy; the cooperative receives
//!    it, merges, dries, mills (about 65% of the dried paddy) and packs it
//!    into 5 kg bags with a GTIN, and ships them under a linkage contract to
//!    a rice company in Hồ Chí Minh City, which receives them.
//! 2. Lychee: a member of a Lục Ngạn (Bắc Giang) cooperative harvests
//!    vải thiều; the cooperative packs 4-star OCOP gift boxes, which a
//!    certification body and the provincial authority inspect before they
//!    go to a fruit company in Bắc Ninh.
//! 3. Shrimp: a Cái Nước (Cà Mau) member's tiger shrimp go through the
//!    cooperative to a seafood company in Cần Thơ, with a cold-chain
//!    inspection by the provincial authority at loading.
//! 4. Recall: a Thái Bình member's paddy is milled by the cooperative; the
//!    authority finds a pesticide residue over the limit in the retained
//!    sample and recalls the paddy, which marks the milled rice too.
//!
//! Every actor's key is written to `DIR/keys/<id>.pem` (0600) so that a
//! user can go on signing as them. Member ids carry no person's name (ids
//! are public in the log); names are in `name`, shown on public pages only
//! for the members marked `public`.

use super::{Ledger, RegistrarSpec, ServiceError, SystemClock, keyfile};
use crate::domain::builder::{self, Draft, StatementBuilder, input, output, product};
use crate::domain::ids::{ActorId, BatchId, ContractId};
use crate::domain::keys::PublicKey;
use crate::domain::product::{
    Category, Certification, Gtin, InspectResult, Origin, Process, Product, Scheme, check_digit,
};
use crate::domain::quantity::{Amount, Quantity, Unit};
use crate::domain::statement::{LedgerFormat, TransformInput, TransformOutput};
use crate::domain::time::{Day, HarvestTime, LOCAL_OFFSET_HOURS, Timestamp};
use ed25519_dalek::SigningKey;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The demo's registrar id.
pub const REGISTRAR: &str = "lien-minh-htx";

/// The demo's origin.
pub const ORIGIN: &str = "demo.coop-ledger.vn/2026";

mod cast;

pub use cast::{ACTORS, SampleActor};
use cast::{
    AUDITOR, AUTHORITY_BAC_GIANG, AUTHORITY_CA_MAU, AUTHORITY_THAI_BINH, FRUIT_BUYER, LYCHEE_COOP,
    RICE_BUYER, RICE_COOP, SEAFOOD_BUYER, SHRIMP_COOP, TAN_LAP_COOP,
};

/// The cooperative the demo suggests signing as in the phone app (its key
/// is in the demo's `keys/` folder).
pub const APP_ACTOR: &str = "htx-lua-gia-hoa";

/// The 5 kg bags of ST25 rice (GTIN, so its QR is a GS1 Digital Link),
/// delivered under [`CONTRACT`].
pub const RICE_BAG: &str = "GH-ST25-5KG-01";

/// The 4-star OCOP boxes of Lục Ngạn lychee (no GTIN: its QR is `/b/{id}`).
pub const LYCHEE_BOX: &str = "VT-PS-OCOP-01";

/// A member's lot of Cà Mau tiger shrimp, with a cold-chain inspection.
pub const SHRIMP_LOT: &str = "TOM-TH-01";

/// Milled rice marked recalled through the paddy lot it was made from.
pub const RECALLED: &str = "TL-GAO-01";

/// The paddy lot the authority recalled.
pub const RECALL_SOURCE: &str = "TL-LUA-01";

/// The linkage contract between the rice cooperative and the rice company
/// (accepted; its period contains today).
pub const CONTRACT: &str = "HD-LK-GH-VX-01";

/// The sample lots to open first, `(batch id, what its page shows)`: the
/// demo prints their page URLs, and the tests open every one.
pub const SHOWCASE: &[(&str, &str)] = &[
    (
        RICE_BAG,
        "ST25 rice, 5 kg bags with a GTIN (GS1 Digital Link): 3 members' paddy merged, dried, milled, packed, delivered under a linkage contract",
    ),
    (
        LYCHEE_BOX,
        "Lục Ngạn lychee, OCOP 4-star gift boxes: a member's harvest, packed and inspected",
    ),
    (
        SHRIMP_LOT,
        "Cà Mau tiger shrimp: a member's lot with a cold-chain inspection",
    ),
    (
        RECALLED,
        "milled rice recalled through the paddy lot it was made from",
    ),
];

/// The 13 digits of the rice bag's GTIN-14 before its check digit:
/// indicator `0` and a GTIN-13 under GS1 prefix 952, which GS1 keeps for
/// demonstrations, so the sample names no real company's product.
const RICE_BAG_GTIN_BODY: &str = "0952001600251";

/// The rice bag's GTIN-14, with its GS1 check digit computed.
pub fn rice_bag_gtin() -> String {
    format!(
        "{RICE_BAG_GTIN_BODY}{}",
        check_digit(RICE_BAG_GTIN_BODY.as_bytes())
    )
}

/// Creates the demo ledger in `dir` (which must not hold one) and returns
/// the registrar key.
pub fn init(dir: &Path) -> Result<SigningKey, ServiceError> {
    let registrar = keyfile::generate();
    let spec = RegistrarSpec {
        id: ActorId::parse(REGISTRAR).map_err(|e| ServiceError::Internal(e.to_string()))?,
        key: PublicKey::from(registrar.verifying_key()),
        name: Some("Liên minh Hợp tác xã Việt Nam".into()),
    };
    Ledger::init(dir, ORIGIN, None, &[spec], LedgerFormat::V1, &SystemClock)?;
    save_key(dir, REGISTRAR, &registrar)?;
    Ok(registrar)
}

fn save_key(dir: &Path, id: &str, key: &SigningKey) -> Result<(), ServiceError> {
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).map_err(|e| ServiceError::Store(e.to_string()))?;
    keyfile::write(&keys.join(format!("{id}.pem")), key)?;
    Ok(())
}

/// Registers the sample actors and logs their chains through
/// `ledger.submit`, with times counted back from the system clock (the
/// clock of a ledger opened with the default options).
pub async fn populate(
    ledger: &Ledger,
    dir: &Path,
    registrar: &SigningKey,
) -> Result<(), ServiceError> {
    let mut demo = Demo::new(ledger, dir, registrar, OffsetDateTime::now_utc());
    demo.register().await?;
    demo.contract().await?;
    demo.tan_lap_rice().await?;
    demo.st25_rice().await?;
    demo.lychee().await?;
    demo.shrimp().await?;
    demo.recall().await
}

fn vietnam() -> UtcOffset {
    UtcOffset::from_hms(LOCAL_OFFSET_HOURS, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// A demo constant that does not parse stops the demo.
fn bad(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(format!("demo: {e}"))
}

fn actor(id: &str) -> Result<ActorId, ServiceError> {
    ActorId::parse(id).map_err(bad)
}

fn lot(id: &str) -> Result<BatchId, ServiceError> {
    BatchId::parse(id).map_err(bad)
}

fn amount(a: &str) -> Result<Amount, ServiceError> {
    Amount::parse(a).map_err(bad)
}

fn quantity(a: &str, unit: Unit) -> Result<Quantity, ServiceError> {
    Ok(Quantity {
        amount: amount(a)?,
        unit,
    })
}

/// A place with its coordinates.
fn origin(place: &str, lat: f64, lon: f64) -> Origin {
    Origin {
        lat: Some(lat),
        lon: Some(lon),
        ..builder::place(place)
    }
}

/// A VietGAP certificate valid until `until`.
fn vietgap(id: &str, until: Day) -> Vec<Certification> {
    vec![Certification {
        scheme: Scheme::VietGap,
        id: id.to_owned(),
        valid_until: Some(until),
    }]
}

/// The signers' keys and the calendar of the sample.
struct Demo<'a> {
    ledger: &'a Ledger,
    dir: &'a Path,
    keys: HashMap<&'static str, SigningKey>,
    /// Today in Vietnam.
    today: Date,
}

impl<'a> Demo<'a> {
    fn new(ledger: &'a Ledger, dir: &'a Path, registrar: &SigningKey, now: OffsetDateTime) -> Self {
        Self {
            ledger,
            dir,
            keys: HashMap::from([(REGISTRAR, registrar.clone())]),
            today: now.to_offset(vietnam()).date(),
        }
    }

    /// `hour:minute` in Vietnam, `days_ago` days before today. With
    /// `days_ago` ≥ 1 it is always in the past.
    fn at(&self, days_ago: i64, hour: i64, minute: i64) -> Timestamp {
        let t = PrimitiveDateTime::new(self.today - Duration::days(days_ago), Time::MIDNIGHT)
            .assume_offset(vietnam())
            + Duration::minutes(hour * 60 + minute);
        Timestamp::from_clock(t)
    }

    /// [`Demo::at`] as a harvest time.
    fn harvest(&self, days_ago: i64, hour: i64, minute: i64) -> Result<HarvestTime, ServiceError> {
        HarvestTime::parse(&self.at(days_ago, hour, minute).to_string()).map_err(bad)
    }

    /// The date `days` after today (before it when negative).
    fn date(&self, days: i64) -> Day {
        Day::from(self.today + Duration::days(days))
    }

    /// Builds the statement `by` signs at `at` with `build`, signs it with
    /// `by`'s key and submits it; any refusal (or a duplicate) stops the
    /// demo.
    async fn log<T: Serialize>(
        &self,
        by: &str,
        at: Timestamp,
        build: impl FnOnce(StatementBuilder) -> Draft<T>,
    ) -> Result<u64, ServiceError> {
        let key = self
            .keys
            .get(by)
            .ok_or_else(|| ServiceError::Internal(format!("demo: no key for {by}")))?;
        let env = build(StatementBuilder::new(&actor(by)?, at)).sign(key);
        let text = &env.statement;
        let body = serde_json::to_vec(&env).map_err(|e| ServiceError::Internal(e.to_string()))?;
        match self.ledger.submit(&body).await {
            Ok(r) if !r.duplicate => Ok(r.index),
            Ok(r) => Err(ServiceError::Internal(format!(
                "demo: {text} was already logged at leaf {}",
                r.index
            ))),
            Err(ServiceError::Refused(r)) => Err(ServiceError::Internal(format!(
                "the ledger refused the demo's statement {text}: {r}"
            ))),
            Err(e) => Err(e),
        }
    }

    /// `from` ships `batch` to `to`, who receives it.
    async fn ship(
        &self,
        from: &str,
        to: &str,
        batch: &str,
        shipped: Timestamp,
        received: Timestamp,
    ) -> Result<(), ServiceError> {
        let (batch, recipient) = (lot(batch)?, actor(to)?);
        self.log(from, shipped, |b| b.ship(&batch, &recipient))
            .await?;
        self.log(to, received, |b| b.receive(&batch, true)).await?;
        Ok(())
    }

    /// One transformation of `process` by `coop` at 08:00, `days` ago.
    async fn transform(
        &self,
        coop: &str,
        days: i64,
        process: Process,
        inputs: Vec<TransformInput>,
        output: TransformOutput,
    ) -> Result<(), ServiceError> {
        self.log(coop, self.at(days, 8, 0), |b| {
            b.transform(process, inputs, vec![output])
        })
        .await?;
        Ok(())
    }

    /// An inspection of `batch` by `by`, with the BLAKE3 of its report.
    #[allow(clippy::too_many_arguments)]
    async fn inspect(
        &self,
        by: &str,
        at: Timestamp,
        batch: &str,
        result: InspectResult,
        scheme: Scheme,
        report: &str,
        note: &str,
    ) -> Result<(), ServiceError> {
        let batch = lot(batch)?;
        self.log(by, at, |b| {
            b.inspect(&batch, result, scheme)
                .report_of(report.as_bytes())
                .note(note)
        })
        .await?;
        Ok(())
    }

    /// 40 days ago the registrar registers the organisations; two days
    /// later each cooperative registers its member households.
    async fn register(&mut self) -> Result<(), ServiceError> {
        let (mut orgs, mut members) = (0, 0);
        for a in ACTORS {
            let key = keyfile::generate();
            let id = actor(a.id)?;
            let region = builder::region(a.province, Some(a.district), a.commune);
            let public_key = PublicKey::from(key.verifying_key());
            let coop = a.cooperative.map(actor).transpose()?;
            let (by, at) = match a.cooperative {
                Some(coop) => {
                    members += 1;
                    (coop, self.at(38, 8, 10 * members))
                }
                None => {
                    orgs += 1;
                    (REGISTRAR, self.at(40, 8, 5 * orgs))
                }
            };
            self.log(by, at, |b| {
                let d = b.register(&id, a.role, a.name, public_key, region);
                match &coop {
                    Some(c) => d.cooperative(c).public(a.public),
                    None => d,
                }
            })
            .await?;
            save_key(self.dir, a.id, &key)?;
            self.keys.insert(a.id, key);
        }
        Ok(())
    }

    /// The rice company offers a one-year linkage contract for ST25 rice
    /// that began four weeks ago; the cooperative accepts it.
    async fn contract(&self) -> Result<(), ServiceError> {
        let contract = ContractId::parse(CONTRACT).map_err(bad)?;
        let (coop, business) = (actor(RICE_COOP.id)?, actor(RICE_BUYER)?);
        let period = (self.date(-28), self.date(-28 + 364));
        let volume = quantity("120", Unit::T)?;
        self.log(RICE_BUYER, self.at(30, 10, 0), |b| {
            b.contract_offer(&contract, &coop, &business, Category::Rice, period)
                .volume(volume)
        })
        .await?;
        self.log(RICE_COOP.id, self.at(29, 8, 30), |b| {
            b.contract_accept(&contract)
        })
        .await?;
        Ok(())
    }

    /// Thái Bình: a member's paddy, milled by the cooperative (the lot the
    /// authority recalls later).
    async fn tan_lap_rice(&self) -> Result<(), ServiceError> {
        let coop = TAN_LAP_COOP.id;
        let grower = "tv-tan-lap-01";
        let (paddy, tonnes) = (lot(RECALL_SOURCE)?, quantity("3.6", Unit::T)?);
        let harvested = self.harvest(25, 6, 30)?;
        self.log(grower, self.at(25, 15, 0), |b| {
            b.batch_create(
                &paddy,
                product(Category::Rice, "Lúa Bắc Thơm số 7"),
                tonnes,
                origin("Xã Tân Lập, huyện Vũ Thư, Thái Bình", 20.4408, 106.2905),
            )
            .harvested_at(harvested)
        })
        .await?;
        self.ship(
            grower,
            coop,
            RECALL_SOURCE,
            self.at(24, 7, 0),
            self.at(24, 8, 0),
        )
        .await?;
        let milled = output(
            &lot(RECALLED)?,
            product(Category::Rice, "Gạo Bắc Thơm số 7 Tân Lập"),
            quantity("2.34", Unit::T)?,
        );
        let inputs = vec![input(&paddy, amount("3.6")?)];
        self.log(coop, self.at(22, 8, 0), |b| {
            b.transform(Process::Milling, inputs, vec![milled])
        })
        .await?;
        Ok(())
    }

    /// Sóc Trăng: three members' ST25 paddy → merge → drying → milling →
    /// 5 kg bags → the rice company, under the contract.
    async fn st25_rice(&self) -> Result<(), ServiceError> {
        let coop = RICE_COOP.id;
        let certs = vietgap("VietGAP-TT-15-05-94-0031", self.date(540));
        // (member, lot, tonnes, lat, lon): rice–shrimp fields of Gia Hòa 1.
        let lots = [
            ("tv-st25-01", "GH-LUA-01", "6.8", 9.5043, 105.9217),
            ("tv-st25-02", "GH-LUA-02", "4.25", 9.4987, 105.9162),
            ("tv-st25-03", "GH-LUA-03", "5.5", 9.5101, 105.9289),
        ];
        for (i, (grower, id, tonnes, lat, lon)) in (0..).zip(lots) {
            let (id, tonnes) = (lot(id)?, quantity(tonnes, Unit::T)?);
            let harvested = self.harvest(20, 7 + i, 0)?;
            self.log(grower, self.at(20, 16, 20 * i), |b| {
                b.batch_create(
                    &id,
                    product(Category::Rice, "Lúa ST25 (mô hình lúa – tôm)"),
                    tonnes,
                    origin("Xã Gia Hòa 1, huyện Mỹ Xuyên, Sóc Trăng", lat, lon),
                )
                .harvested_at(harvested)
                .certifications(certs.clone())
            })
            .await?;
        }
        for (i, (grower, id, ..)) in (0..).zip(lots) {
            self.ship(
                grower,
                coop,
                id,
                self.at(19, 7, 40 * i),
                self.at(19, 7, 40 * i + 25),
            )
            .await?;
        }
        let merged = lots
            .iter()
            .map(|(_, id, t, ..)| Ok(input(&lot(id)?, amount(t)?)))
            .collect::<Result<Vec<_>, ServiceError>>()?;
        let steps = [
            // (process, days ago, output, product, tonnes): each step
            // takes the whole of the one before.
            (
                Process::Merge,
                18,
                "GH-LUA-GOP-01",
                "Lúa ST25 tươi (gộp từ 3 hộ thành viên)",
                "16.55",
            ),
            (
                Process::Drying,
                17,
                "GH-LUA-SAY-01",
                "Lúa ST25 đã sấy (ẩm độ 14%)",
                "14.63",
            ),
            (
                Process::Milling,
                16,
                "GH-GAO-ST25-01",
                "Gạo ST25 xát trắng",
                "9.51",
            ),
        ];
        let mut inputs = merged;
        for (process, days, out, name, tonnes) in steps {
            let (out, tonnes) = (lot(out)?, quantity(tonnes, Unit::T)?);
            let made = output(&out, product(Category::Rice, name), tonnes);
            self.transform(coop, days, process, inputs, made).await?;
            inputs = vec![input(&out, tonnes.amount)];
        }
        // 9.51 t in 5 kg bags.
        let bag = Product {
            gtin: Gtin::parse(&rice_bag_gtin()),
            ..product(Category::Rice, "Gạo ST25 Gia Hòa – túi 5 kg")
        };
        let bags = output(&lot(RICE_BAG)?, bag, quantity("1902", Unit::Piece)?);
        self.transform(coop, 15, Process::Packing, inputs, bags)
            .await?;
        let (bag, buyer) = (lot(RICE_BAG)?, actor(RICE_BUYER)?);
        let contract = ContractId::parse(CONTRACT).map_err(bad)?;
        self.log(coop, self.at(12, 7, 0), |b| {
            b.ship(&bag, &buyer).contract(&contract)
        })
        .await?;
        self.log(RICE_BUYER, self.at(11, 9, 30), |b| b.receive(&bag, true))
            .await?;
        Ok(())
    }

    /// Lục Ngạn: a member's lychee → the cooperative → OCOP gift boxes,
    /// inspected → the fruit company.
    async fn lychee(&self) -> Result<(), ServiceError> {
        let coop = LYCHEE_COOP.id;
        let grower = "tv-vai-ps-01";
        let (fruit, kg) = (lot("VT-PS-01")?, quantity("1450", Unit::Kg)?);
        let harvested = self.harvest(10, 5, 0)?;
        let certs = vietgap("VietGAP-TT-13-05-24-0127", self.date(420));
        self.log(grower, self.at(10, 8, 30), |b| {
            b.batch_create(
                &fruit,
                product(Category::Fruit, "Vải thiều Lục Ngạn"),
                kg,
                origin(
                    "Xã Phượng Sơn, huyện Lục Ngạn, Bắc Giang",
                    21.3862,
                    106.5529,
                ),
            )
            .harvested_at(harvested)
            .certifications(certs)
        })
        .await?;
        self.ship(
            grower,
            coop,
            "VT-PS-01",
            self.at(10, 9, 0),
            self.at(10, 9, 40),
        )
        .await?;
        // Sorted and packed: 680 boxes of 2 kg; the rest is sold loose.
        let boxes = Product {
            ocop_stars: builder::stars(4),
            ..product(Category::Fruit, "Vải thiều Lục Ngạn – hộp quà 2 kg")
        };
        let boxes = output(&lot(LYCHEE_BOX)?, boxes, quantity("680", Unit::Box)?);
        let inputs = vec![input(&fruit, kg.amount)];
        self.log(coop, self.at(10, 14, 0), |b| {
            b.transform(Process::Packing, inputs, vec![boxes])
        })
        .await?;
        self.inspect(
            AUDITOR,
            self.at(9, 7, 30),
            LYCHEE_BOX,
            InspectResult::Pass,
            Scheme::VietGap,
            "Biên bản đánh giá giám sát VietGAP số 127/2026/GS, HTX Vải thiều Phượng Nam: \
             nhật ký canh tác đầy đủ, thời gian cách ly thuốc BVTV được tuân thủ; đạt.",
            "Đánh giá giám sát tại vườn và khu sơ chế của HTX; hồ sơ truy xuất lô vải đầy đủ.",
        )
        .await?;
        self.inspect(
            AUTHORITY_BAC_GIANG,
            self.at(9, 8, 15),
            LYCHEE_BOX,
            InspectResult::Pass,
            Scheme::FoodSafety,
            "Phiếu kết quả kiểm nghiệm: mẫu vải thiều hộp quà 2 kg, 3 mẫu ngẫu nhiên; \
             dư lượng thuốc BVTV nhóm phốt pho hữu cơ và carbamat: không phát hiện.",
            "Lấy 3 hộp ngẫu nhiên tại kho HTX; dư lượng thuốc bảo vệ thực vật dưới giới hạn cho phép.",
        )
        .await?;
        self.ship(
            coop,
            FRUIT_BUYER,
            LYCHEE_BOX,
            self.at(9, 10, 0),
            self.at(9, 13, 30),
        )
        .await
    }

    /// Cái Nước: a member's tiger shrimp → the cooperative, inspected for
    /// the cold chain at loading → the seafood company.
    async fn shrimp(&self) -> Result<(), ServiceError> {
        let coop = SHRIMP_COOP.id;
        let grower = "tv-tom-th-01";
        let (shrimp, kg) = (lot(SHRIMP_LOT)?, quantity("385.5", Unit::Kg)?);
        let harvested = self.harvest(6, 4, 30)?;
        let certs = vietgap("VietGAP-TS-11-04-96-0008", self.date(300));
        self.log(grower, self.at(6, 7, 0), |b| {
            b.batch_create(
                &shrimp,
                product(Category::Seafood, "Tôm sú nuôi quảng canh cải tiến"),
                kg,
                origin("Xã Tân Hưng, huyện Cái Nước, Cà Mau", 8.9281, 105.0637),
            )
            .harvested_at(harvested)
            .certifications(certs)
        })
        .await?;
        self.ship(
            grower,
            coop,
            SHRIMP_LOT,
            self.at(6, 7, 30),
            self.at(6, 8, 0),
        )
        .await?;
        self.inspect(
            AUTHORITY_CA_MAU,
            self.at(6, 12, 0),
            SHRIMP_LOT,
            InspectResult::Pass,
            Scheme::FoodSafety,
            "Biên bản kiểm tra điều kiện bảo quản lạnh số 58/BB-QLCL: nhiệt độ thân tôm 1,8 °C; \
             tỉ lệ đá vảy/tôm 1:1; thùng xe bảo ôn 2 °C; đạt yêu cầu.",
            "Kiểm tra chuỗi lạnh khi bốc hàng: nhiệt độ thân tôm 1,8 °C (yêu cầu ≤ 4 °C), ướp đá vảy tỉ lệ 1:1, thùng xe bảo ôn 2 °C.",
        )
        .await?;
        self.ship(
            coop,
            SEAFOOD_BUYER,
            SHRIMP_LOT,
            self.at(6, 13, 0),
            self.at(6, 18, 30),
        )
        .await
    }

    /// Thái Bình: the retained sample of the paddy fails; the authority
    /// recalls the paddy, and so the milled rice made from it.
    async fn recall(&self) -> Result<(), ServiceError> {
        self.inspect(
            AUTHORITY_THAI_BINH,
            self.at(5, 9, 0),
            RECALL_SOURCE,
            InspectResult::Fail,
            Scheme::FoodSafety,
            "Phiếu kết quả thử nghiệm mẫu lưu lô lúa TL-LUA-01: tricyclazole 0,09 mg/kg, \
             vượt giới hạn tối đa cho phép theo Thông tư 50/2016/TT-BYT.",
            "Mẫu lưu của lô lúa có dư lượng tricyclazole vượt giới hạn tối đa cho phép (MRL).",
        )
        .await?;
        let paddy = lot(RECALL_SOURCE)?;
        self.log(AUTHORITY_THAI_BINH, self.at(4, 8, 0), |b| {
            b.recall(&paddy, "Dư lượng tricyclazole trong mẫu lưu vượt giới hạn tối đa cho phép theo Thông tư 50/2016/TT-BYT; thu hồi toàn bộ gạo xay xát từ lô lúa này để xử lý theo quy định.")
        })
        .await?;
        Ok(())
    }
}
