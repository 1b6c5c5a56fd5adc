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
use crate::domain::envelope::Envelope;
use crate::domain::ids::ActorId;
use crate::domain::keys::PublicKey;
use crate::domain::product::check_digit;
use crate::domain::time::LOCAL_OFFSET_HOURS;
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The demo's registrar id.
pub const REGISTRAR: &str = "lien-minh-htx";

/// The demo's origin.
pub const ORIGIN: &str = "demo.coop-ledger.vn/2026";

/// A sample actor, registered by the registrar (members: by their
/// cooperative).
#[derive(Debug, Clone, Copy)]
pub struct SampleActor {
    /// Actor id (never a person's name).
    pub id: &'static str,
    /// Role, as `actor.register` writes it.
    pub role: &'static str,
    /// Name.
    pub name: &'static str,
    /// Province.
    pub province: &'static str,
    /// District.
    pub district: &'static str,
    /// Commune (or ward), when given.
    pub commune: Option<&'static str>,
    /// A member's cooperative.
    pub cooperative: Option<&'static str>,
    /// A member's consent to be named on public pages.
    pub public: bool,
}

const fn org(
    id: &'static str,
    role: &'static str,
    name: &'static str,
    province: &'static str,
    district: &'static str,
    commune: Option<&'static str>,
) -> SampleActor {
    SampleActor {
        id,
        role,
        name,
        province,
        district,
        commune,
        cooperative: None,
        public: true,
    }
}

const fn member(
    id: &'static str,
    name: &'static str,
    coop: &'static SampleActor,
    public: bool,
) -> SampleActor {
    SampleActor {
        id,
        role: "member",
        name,
        province: coop.province,
        district: coop.district,
        commune: coop.commune,
        cooperative: Some(coop.id),
        public,
    }
}

const RICE_COOP: SampleActor = org(
    "htx-lua-gia-hoa",
    "cooperative",
    "HTX Nông nghiệp Lúa – Tôm Gia Hòa",
    "Sóc Trăng",
    "Mỹ Xuyên",
    Some("Gia Hòa 1"),
);
const LYCHEE_COOP: SampleActor = org(
    "htx-vai-phuong-nam",
    "cooperative",
    "HTX Vải thiều Phượng Nam",
    "Bắc Giang",
    "Lục Ngạn",
    Some("Phượng Sơn"),
);
const SHRIMP_COOP: SampleActor = org(
    "htx-tom-tan-hung",
    "cooperative",
    "HTX Nuôi tôm sinh thái Tân Hưng",
    "Cà Mau",
    "Cái Nước",
    Some("Tân Hưng"),
);
const TAN_LAP_COOP: SampleActor = org(
    "htx-tan-lap",
    "cooperative",
    "HTX Dịch vụ Nông nghiệp Tân Lập",
    "Thái Bình",
    "Vũ Thư",
    Some("Tân Lập"),
);
const RICE_BUYER: &str = "dn-gao-viet-xanh";
const FRUIT_BUYER: &str = "dn-trai-cay-kinh-bac";
const SEAFOOD_BUYER: &str = "dn-thuy-san-mekong";
const AUDITOR: &str = "tt-chung-nhan-nong-san";
const AUTHORITY_BAC_GIANG: &str = "chi-cuc-qlcl-bac-giang";
const AUTHORITY_CA_MAU: &str = "chi-cuc-qlcl-ca-mau";
const AUTHORITY_THAI_BINH: &str = "chi-cuc-qlcl-thai-binh";

/// The sample actors, in registration order (cooperatives before their
/// members).
pub const ACTORS: &[SampleActor] = &[
    RICE_COOP,
    LYCHEE_COOP,
    SHRIMP_COOP,
    TAN_LAP_COOP,
    org(
        RICE_BUYER,
        "business",
        "Công ty CP Gạo Việt Xanh",
        "TP. Hồ Chí Minh",
        "TP. Thủ Đức",
        Some("Linh Trung"),
    ),
    org(
        FRUIT_BUYER,
        "business",
        "Công ty TNHH Trái cây Kinh Bắc",
        "Bắc Ninh",
        "Từ Sơn",
        Some("Đồng Nguyên"),
    ),
    org(
        SEAFOOD_BUYER,
        "business",
        "Công ty CP Thủy sản Mekong Xanh",
        "Cần Thơ",
        "Ninh Kiều",
        Some("An Hòa"),
    ),
    org(
        AUDITOR,
        "auditor",
        "Trung tâm Chứng nhận Chất lượng Nông sản",
        "Hà Nội",
        "Long Biên",
        None,
    ),
    org(
        AUTHORITY_BAC_GIANG,
        "authority",
        "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản Bắc Giang",
        "Bắc Giang",
        "TP. Bắc Giang",
        None,
    ),
    org(
        AUTHORITY_CA_MAU,
        "authority",
        "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản Cà Mau",
        "Cà Mau",
        "TP. Cà Mau",
        None,
    ),
    org(
        AUTHORITY_THAI_BINH,
        "authority",
        "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản Thái Bình",
        "Thái Bình",
        "TP. Thái Bình",
        None,
    ),
    member("tv-st25-01", "Hộ ông Trần Văn Hải", &RICE_COOP, true),
    member("tv-st25-02", "Hộ bà Lâm Thị Sương", &RICE_COOP, false),
    member("tv-st25-03", "Hộ ông Thạch Văn Phước", &RICE_COOP, true),
    member("tv-vai-ps-01", "Hộ ông Lê Văn Cường", &LYCHEE_COOP, false),
    member("tv-tom-th-01", "Hộ bà Phạm Thị Dung", &SHRIMP_COOP, true),
    member(
        "tv-tan-lap-01",
        "Hộ ông Nguyễn Văn An",
        &TAN_LAP_COOP,
        false,
    ),
];

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
    Ledger::init(dir, ORIGIN, None, &[spec], &SystemClock)?;
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

/// BLAKE3 of an attached report, as `report_blake3` writes it.
fn report_hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex().to_string()
}

fn vietnam() -> UtcOffset {
    UtcOffset::from_hms(LOCAL_OFFSET_HOURS, 0, 0).unwrap_or(UtcOffset::UTC)
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
    fn at(&self, days_ago: i64, hour: i64, minute: i64) -> String {
        let t = PrimitiveDateTime::new(self.today - Duration::days(days_ago), Time::MIDNIGHT)
            .assume_offset(vietnam())
            + Duration::minutes(hour * 60 + minute);
        // Formatting fails only for years beyond 9999; the ledger would
        // then refuse the empty time with `bad_time`.
        t.format(&Rfc3339).unwrap_or_default()
    }

    /// The date `days` after today (before it when negative), `YYYY-MM-DD`.
    fn date(&self, days: i64) -> String {
        (self.today + Duration::days(days))
            .format(format_description!("[year]-[month]-[day]"))
            .unwrap_or_default()
    }

    /// Signs `{v, type, by, at, ...fields}` with `by`'s key and submits it;
    /// any refusal (or a duplicate) stops the demo.
    async fn log(
        &self,
        by: &str,
        at: String,
        kind: &str,
        fields: Value,
    ) -> Result<u64, ServiceError> {
        let mut st = json!({"v": 1, "type": kind, "by": by, "at": at});
        if let (Some(st), Value::Object(fields)) = (st.as_object_mut(), fields) {
            st.extend(fields);
        }
        let key = self
            .keys
            .get(by)
            .ok_or_else(|| ServiceError::Internal(format!("demo: no key for {by}")))?;
        let text = st.to_string();
        let env = Envelope::sign(text.clone(), key);
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

    async fn ship(
        &self,
        from: &str,
        to: &str,
        batch: &str,
        shipped: String,
        received: String,
    ) -> Result<(), ServiceError> {
        self.log(
            from,
            shipped,
            "batch.ship",
            json!({"batch": batch, "to": to}),
        )
        .await?;
        self.receive(to, batch, received).await
    }

    async fn receive(&self, by: &str, batch: &str, at: String) -> Result<(), ServiceError> {
        self.log(
            by,
            at,
            "batch.receive",
            json!({"batch": batch, "accepted": true}),
        )
        .await?;
        Ok(())
    }

    /// 40 days ago the registrar registers the organisations; two days
    /// later each cooperative registers its member households.
    async fn register(&mut self) -> Result<(), ServiceError> {
        let (mut orgs, mut members) = (0, 0);
        for a in ACTORS {
            let key = keyfile::generate();
            let mut fields = json!({
                "id": a.id, "role": a.role, "name": a.name,
                "key": PublicKey::from(key.verifying_key()).to_string(),
                "region": {"province": a.province, "district": a.district},
            });
            if let Some(c) = a.commune {
                fields["region"]["commune"] = json!(c);
            }
            let (by, at) = match a.cooperative {
                Some(coop) => {
                    fields["cooperative"] = json!(coop);
                    fields["public"] = json!(a.public);
                    members += 1;
                    (coop, self.at(38, 8, 10 * members))
                }
                None => {
                    orgs += 1;
                    (REGISTRAR, self.at(40, 8, 5 * orgs))
                }
            };
            self.log(by, at, "actor.register", fields).await?;
            save_key(self.dir, a.id, &key)?;
            self.keys.insert(a.id, key);
        }
        Ok(())
    }

    /// The rice company offers a one-year linkage contract for ST25 rice
    /// that began four weeks ago; the cooperative accepts it.
    async fn contract(&self) -> Result<(), ServiceError> {
        self.log(
            RICE_BUYER,
            self.at(30, 10, 0),
            "contract.offer",
            json!({
                "contract": CONTRACT,
                "cooperative": RICE_COOP.id,
                "business": RICE_BUYER,
                "product_category": "rice",
                "from": self.date(-28),
                "to": self.date(-28 + 364),
                "volume": {"amount": "120", "unit": "t"},
            }),
        )
        .await?;
        self.log(
            RICE_COOP.id,
            self.at(29, 8, 30),
            "contract.accept",
            json!({"contract": CONTRACT}),
        )
        .await?;
        Ok(())
    }

    /// Thái Bình: a member's paddy, milled by the cooperative (the lot the
    /// authority recalls later).
    async fn tan_lap_rice(&self) -> Result<(), ServiceError> {
        let coop = TAN_LAP_COOP.id;
        let grower = "tv-tan-lap-01";
        self.log(
            grower,
            self.at(25, 15, 0),
            "batch.create",
            json!({
                "batch": RECALL_SOURCE,
                "product": {"category": "rice", "name": "Lúa Bắc Thơm số 7"},
                "quantity": {"amount": "3.6", "unit": "t"},
                "origin": {"place": "Xã Tân Lập, huyện Vũ Thư, Thái Bình", "lat": 20.4408, "lon": 106.2905},
                "harvested_at": self.at(25, 6, 30),
            }),
        )
        .await?;
        self.ship(
            grower,
            coop,
            RECALL_SOURCE,
            self.at(24, 7, 0),
            self.at(24, 8, 0),
        )
        .await?;
        self.log(
            coop,
            self.at(22, 8, 0),
            "batch.transform",
            json!({
                "process": "milling",
                "inputs": [{"batch": RECALL_SOURCE, "amount": "3.6"}],
                "outputs": [{
                    "batch": RECALLED,
                    "product": {"category": "rice", "name": "Gạo Bắc Thơm số 7 Tân Lập"},
                    "quantity": {"amount": "2.34", "unit": "t"},
                }],
            }),
        )
        .await?;
        Ok(())
    }

    /// Sóc Trăng: three members' ST25 paddy → merge → drying → milling →
    /// 5 kg bags → the rice company, under the contract.
    async fn st25_rice(&self) -> Result<(), ServiceError> {
        let coop = RICE_COOP.id;
        let certs = json!([{
            "scheme": "VietGAP",
            "id": "VietGAP-TT-15-05-94-0031",
            "valid_until": self.date(540),
        }]);
        // (member, lot, tonnes, lat, lon): rice–shrimp fields of Gia Hòa 1.
        let lots = [
            ("tv-st25-01", "GH-LUA-01", "6.8", 9.5043, 105.9217),
            ("tv-st25-02", "GH-LUA-02", "4.25", 9.4987, 105.9162),
            ("tv-st25-03", "GH-LUA-03", "5.5", 9.5101, 105.9289),
        ];
        for (i, (grower, lot, tonnes, lat, lon)) in (0..).zip(lots) {
            self.log(
                grower,
                self.at(20, 16, 20 * i),
                "batch.create",
                json!({
                    "batch": lot,
                    "product": {"category": "rice", "name": "Lúa ST25 (mô hình lúa – tôm)"},
                    "quantity": {"amount": tonnes, "unit": "t"},
                    "origin": {"place": "Xã Gia Hòa 1, huyện Mỹ Xuyên, Sóc Trăng", "lat": lat, "lon": lon},
                    "harvested_at": self.at(20, 7 + i, 0),
                    "certifications": certs,
                }),
            )
            .await?;
        }
        for (i, (grower, lot, ..)) in (0..).zip(lots) {
            self.ship(
                grower,
                coop,
                lot,
                self.at(19, 7, 40 * i),
                self.at(19, 7, 40 * i + 25),
            )
            .await?;
        }
        let steps = [
            // (process, days ago, input, amount, output, product, tonnes)
            (
                "merge",
                18,
                "",
                "",
                "GH-LUA-GOP-01",
                "Lúa ST25 tươi (gộp từ 3 hộ thành viên)",
                "16.55",
            ),
            (
                "drying",
                17,
                "GH-LUA-GOP-01",
                "16.55",
                "GH-LUA-SAY-01",
                "Lúa ST25 đã sấy (ẩm độ 14%)",
                "14.63",
            ),
            (
                "milling",
                16,
                "GH-LUA-SAY-01",
                "14.63",
                "GH-GAO-ST25-01",
                "Gạo ST25 xát trắng",
                "9.51",
            ),
        ];
        for (process, days, input, amount, output, name, tonnes) in steps {
            let inputs = if process == "merge" {
                json!(
                    lots.iter()
                        .map(|(_, lot, t, ..)| json!({"batch": lot, "amount": t}))
                        .collect::<Vec<_>>()
                )
            } else {
                json!([{"batch": input, "amount": amount}])
            };
            self.log(
                coop,
                self.at(days, 8, 0),
                "batch.transform",
                json!({
                    "process": process,
                    "inputs": inputs,
                    "outputs": [{
                        "batch": output,
                        "product": {"category": "rice", "name": name},
                        "quantity": {"amount": tonnes, "unit": "t"},
                    }],
                }),
            )
            .await?;
        }
        // 9.51 t in 5 kg bags.
        self.log(
            coop,
            self.at(15, 8, 0),
            "batch.transform",
            json!({
                "process": "packing",
                "inputs": [{"batch": "GH-GAO-ST25-01", "amount": "9.51"}],
                "outputs": [{
                    "batch": RICE_BAG,
                    "product": {"category": "rice", "name": "Gạo ST25 Gia Hòa – túi 5 kg", "gtin": rice_bag_gtin()},
                    "quantity": {"amount": "1902", "unit": "piece"},
                }],
            }),
        )
        .await?;
        self.log(
            coop,
            self.at(12, 7, 0),
            "batch.ship",
            json!({"batch": RICE_BAG, "to": RICE_BUYER, "contract": CONTRACT}),
        )
        .await?;
        self.receive(RICE_BUYER, RICE_BAG, self.at(11, 9, 30)).await
    }

    /// Lục Ngạn: a member's lychee → the cooperative → OCOP gift boxes,
    /// inspected → the fruit company.
    async fn lychee(&self) -> Result<(), ServiceError> {
        let coop = LYCHEE_COOP.id;
        let grower = "tv-vai-ps-01";
        self.log(
            grower,
            self.at(10, 8, 30),
            "batch.create",
            json!({
                "batch": "VT-PS-01",
                "product": {"category": "fruit", "name": "Vải thiều Lục Ngạn"},
                "quantity": {"amount": "1450", "unit": "kg"},
                "origin": {"place": "Xã Phượng Sơn, huyện Lục Ngạn, Bắc Giang", "lat": 21.3862, "lon": 106.5529},
                "harvested_at": self.at(10, 5, 0),
                "certifications": [{
                    "scheme": "VietGAP",
                    "id": "VietGAP-TT-13-05-24-0127",
                    "valid_until": self.date(420),
                }],
            }),
        )
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
        self.log(
            coop,
            self.at(10, 14, 0),
            "batch.transform",
            json!({
                "process": "packing",
                "inputs": [{"batch": "VT-PS-01", "amount": "1450"}],
                "outputs": [{
                    "batch": LYCHEE_BOX,
                    "product": {"category": "fruit", "name": "Vải thiều Lục Ngạn – hộp quà 2 kg", "ocop_stars": 4},
                    "quantity": {"amount": "680", "unit": "box"},
                }],
            }),
        )
        .await?;
        let report = "Biên bản đánh giá giám sát VietGAP số 127/2026/GS, HTX Vải thiều Phượng Nam: \
                      nhật ký canh tác đầy đủ, thời gian cách ly thuốc BVTV được tuân thủ; đạt.";
        self.log(
            AUDITOR,
            self.at(9, 7, 30),
            "batch.inspect",
            json!({
                "batch": LYCHEE_BOX,
                "result": "pass",
                "scheme": "VietGAP",
                "report_blake3": report_hash(report),
                "note": "Đánh giá giám sát tại vườn và khu sơ chế của HTX; hồ sơ truy xuất lô vải đầy đủ.",
            }),
        )
        .await?;
        let report = "Phiếu kết quả kiểm nghiệm: mẫu vải thiều hộp quà 2 kg, 3 mẫu ngẫu nhiên; \
                      dư lượng thuốc BVTV nhóm phốt pho hữu cơ và carbamat: không phát hiện.";
        self.log(
            AUTHORITY_BAC_GIANG,
            self.at(9, 8, 15),
            "batch.inspect",
            json!({
                "batch": LYCHEE_BOX,
                "result": "pass",
                "scheme": "food-safety",
                "report_blake3": report_hash(report),
                "note": "Lấy 3 hộp ngẫu nhiên tại kho HTX; dư lượng thuốc bảo vệ thực vật dưới giới hạn cho phép.",
            }),
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
        self.log(
            grower,
            self.at(6, 7, 0),
            "batch.create",
            json!({
                "batch": SHRIMP_LOT,
                "product": {"category": "seafood", "name": "Tôm sú nuôi quảng canh cải tiến"},
                "quantity": {"amount": "385.5", "unit": "kg"},
                "origin": {"place": "Xã Tân Hưng, huyện Cái Nước, Cà Mau", "lat": 8.9281, "lon": 105.0637},
                "harvested_at": self.at(6, 4, 30),
                "certifications": [{
                    "scheme": "VietGAP",
                    "id": "VietGAP-TS-11-04-96-0008",
                    "valid_until": self.date(300),
                }],
            }),
        )
        .await?;
        self.ship(
            grower,
            coop,
            SHRIMP_LOT,
            self.at(6, 7, 30),
            self.at(6, 8, 0),
        )
        .await?;
        let report = "Biên bản kiểm tra điều kiện bảo quản lạnh số 58/BB-QLCL: nhiệt độ thân tôm 1,8 °C; \
                      tỉ lệ đá vảy/tôm 1:1; thùng xe bảo ôn 2 °C; đạt yêu cầu.";
        self.log(
            AUTHORITY_CA_MAU,
            self.at(6, 12, 0),
            "batch.inspect",
            json!({
                "batch": SHRIMP_LOT,
                "result": "pass",
                "scheme": "food-safety",
                "report_blake3": report_hash(report),
                "note": "Kiểm tra chuỗi lạnh khi bốc hàng: nhiệt độ thân tôm 1,8 °C (yêu cầu ≤ 4 °C), ướp đá vảy tỉ lệ 1:1, thùng xe bảo ôn 2 °C.",
            }),
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
        let report = "Phiếu kết quả thử nghiệm mẫu lưu lô lúa TL-LUA-01: tricyclazole 0,09 mg/kg, \
                      vượt giới hạn tối đa cho phép theo Thông tư 50/2016/TT-BYT.";
        self.log(
            AUTHORITY_THAI_BINH,
            self.at(5, 9, 0),
            "batch.inspect",
            json!({
                "batch": RECALL_SOURCE,
                "result": "fail",
                "scheme": "food-safety",
                "report_blake3": report_hash(report),
                "note": "Mẫu lưu của lô lúa có dư lượng tricyclazole vượt giới hạn tối đa cho phép (MRL).",
            }),
        )
        .await?;
        self.log(
            AUTHORITY_THAI_BINH,
            self.at(4, 8, 0),
            "batch.recall",
            json!({
                "batch": RECALL_SOURCE,
                "reason": "Dư lượng tricyclazole trong mẫu lưu vượt giới hạn tối đa cho phép theo Thông tư 50/2016/TT-BYT; thu hồi toàn bộ gạo xay xát từ lô lúa này để xử lý theo quy định.",
            }),
        )
        .await?;
        Ok(())
    }
}
