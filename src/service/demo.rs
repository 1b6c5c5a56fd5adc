//! The sample ledger behind `coop-ledger demo`: realistic Vietnamese
//! cooperatives, members, businesses, an auditor and authorities, and the
//! chains they log, all through the same submission path as any client
//! (`Ledger::submit`, so every statement passes the real rules; a refusal
//! stops the demo with its code).
//!
//! The ledger is format 2 (spec §6.17) on the 2025 map: every region is GSO
//! codes, looked up by name in `domain::places`; every place a lot names is
//! a commune and province of that map, its coordinates at most 2 decimals.
//!
//! The story, with every time counted back from the clock (the ledger
//! refuses an `at` in the future) and in order:
//!
//! 1. Rice: three member households of an ST25 rice–shrimp cooperative in
//!    Xã Gia Hòa, Cần Thơ (Sóc Trăng until 2025) log their VietGAP paddy;
//!    the cooperative receives it, merges, dries, mills (about 65% of the
//!    dried paddy) and packs it into 5 kg bags with a GTIN, and ships them
//!    under a linkage contract to a rice company in Hồ Chí Minh City, which
//!    receives them.
//! 2. Lychee: a member of a cooperative in Phường Phượng Sơn, Bắc Ninh
//!    (the Lục Ngạn lychee country, Bắc Giang until 2025) harvests vải
//!    thiều; the cooperative packs 4-star OCOP gift boxes, which a
//!    certification body and the provincial authority inspect before they
//!    go to a fruit company in Bắc Ninh.
//! 3. Shrimp: a member's tiger shrimp from Xã Tân Hưng, Cà Mau go through
//!    the cooperative to a seafood company in Cần Thơ, with a cold-chain
//!    inspection by the provincial authority at loading.
//! 4. Recall: a member's paddy from Xã Vũ Thư, Hưng Yên (Thái Bình until
//!    2025) is milled by the cooperative; the authority finds a pesticide
//!    residue over the limit in the retained sample and recalls the paddy,
//!    which marks the milled rice too.
//!
//! Members are registered by their cooperative with `name_commit` only
//! (the salt 32 bytes from the operating system's random source, drawn
//! afresh each run). For a household that consented, the cooperative then
//! logs `actor.consent {public: true}` with the BLAKE3 of the signed form,
//! and the name and salt travel beside it as a disclosure. For one that did
//! not, the salt is dropped once the commitment is made: its name is only
//! in this source, never sent, never written under `DIR`.
//!
//! Every actor's key is written to `DIR/keys/<id>.pem` (0600) so that a
//! user can go on signing as them.
//!
//! The module is split by job: this file holds the showcase, the ledger's
//! creation, the submission path and the registrations; `cast` the sample
//! actors and their places; `chains` the four stories.

use super::{Ledger, RegistrarSpec, ServiceError, SystemClock, keyfile};
use crate::domain::builder::{self, Draft, StatementBuilder};
use crate::domain::envelope::Envelope;
use crate::domain::ids::{ActorId, BatchId};
use crate::domain::keys::PublicKey;
use crate::domain::places::places;
use crate::domain::privacy::{Disclosure, Salt, name_commit};
use crate::domain::product::{InspectResult, Process, Scheme, check_digit};
use crate::domain::quantity::{Amount, Quantity, Unit};
use crate::domain::statement::{LedgerFormat, Region, TransformInput, TransformOutput};
use crate::domain::time::{Day, HarvestTime, LOCAL_OFFSET_HOURS, Timestamp};
use ed25519_dalek::SigningKey;
use rand_core::{OsRng, RngCore as _};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The demo's registrar id.
pub const REGISTRAR: &str = "lien-minh-htx";

/// The demo's origin.
pub const ORIGIN: &str = "demo.coop-ledger.vn/2026";

mod cast;
mod chains;

pub use cast::{ACTORS, SampleActor};
use cast::{
    AUDITOR, AUTHORITY_BAC_NINH, AUTHORITY_CA_MAU, AUTHORITY_HUNG_YEN, FRUIT_BUYER, LYCHEE_COOP,
    LYCHEE_MEMBER, RICE_BUYER, RICE_COOP, RICE_MEMBERS, SEAFOOD_BUYER, SHRIMP_COOP, SHRIMP_MEMBER,
    TAN_LAP_COOP, TAN_LAP_MEMBER,
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
    Ledger::init(dir, ORIGIN, None, &[spec], LedgerFormat::V2, &SystemClock)?;
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

/// The region of a sample actor: the GSO codes of its province and
/// commune, looked up by name on the 2025 map.
pub fn region(a: &SampleActor) -> Result<Region, ServiceError> {
    let map = places().map_err(bad)?;
    let province = map
        .provinces()
        .iter()
        .find(|p| p.name == a.province)
        .ok_or_else(|| bad(format!("{}: no province {:?}", a.id, a.province)))?;
    let commune = match a.commune {
        None => None,
        Some(name) => {
            let communes = map.communes_of(province.code).unwrap_or_default();
            let c = communes
                .iter()
                .find(|c| c.name == name)
                .ok_or_else(|| bad(format!("{}: no commune {name:?} in {}", a.id, a.province)))?;
            Some(c.code.get())
        }
    };
    Ok(builder::coded_region(province.code.get(), commune))
}

/// A fresh salt for a member's name commitment, from the operating
/// system's random source.
fn salt() -> Salt {
    let mut bytes = [0; 32];
    OsRng.fill_bytes(&mut bytes);
    Salt(bytes)
}

/// The consent form a household signs, on paper (its BLAKE3 goes in the
/// `actor.consent` its cooperative logs; the form itself stays with the
/// cooperative).
fn consent_form(a: &SampleActor) -> String {
    format!(
        "PHIẾU ĐỒNG Ý CÔNG KHAI TÊN HỘ THÀNH VIÊN\n\
         Hợp tác xã: {}\nMã thành viên: {}\nHộ: {}\n\
         Hộ đồng ý để tên hộ hiện trên trang truy xuất nguồn gốc công khai; \
         hộ có thể rút lại sự đồng ý bất cứ lúc nào.\n",
        a.cooperative.unwrap_or_default(),
        a.id,
        a.name
    )
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
        self.send(&env, None).await
    }

    /// Submits `env`, with `disclosure` beside it (the body's fourth
    /// member, spec §6.17); any refusal (or a duplicate) stops the demo.
    async fn send(
        &self,
        env: &Envelope,
        disclosure: Option<&Disclosure>,
    ) -> Result<u64, ServiceError> {
        let text = &env.statement;
        let internal = |e: serde_json::Error| ServiceError::Internal(e.to_string());
        let mut body = serde_json::to_value(env).map_err(internal)?;
        if let (Some(d), Some(members)) = (disclosure, body.as_object_mut()) {
            members.insert(
                "disclosure".into(),
                serde_json::to_value(d).map_err(internal)?,
            );
        }
        let body = serde_json::to_vec(&body).map_err(internal)?;
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
    /// later each cooperative registers its member households, by
    /// commitment, and logs the consent of those that agreed to be named,
    /// with their names disclosed beside it.
    async fn register(&mut self) -> Result<(), ServiceError> {
        let (mut orgs, mut members) = (0, 0);
        for a in ACTORS {
            let key = keyfile::generate();
            let id = actor(a.id)?;
            let region = region(a)?;
            let public_key = PublicKey::from(key.verifying_key());
            match a.cooperative {
                Some(coop) => {
                    members += 1;
                    let times = (
                        self.at(38, 8, 10 * members),
                        self.at(38, 8, 10 * members + 5),
                    );
                    self.member(a, coop, times, public_key, region).await?;
                }
                None => {
                    orgs += 1;
                    self.log(REGISTRAR, self.at(40, 8, 5 * orgs), |b| {
                        b.register(&id, a.role, a.name, public_key, region)
                    })
                    .await?;
                }
            }
            save_key(self.dir, a.id, &key)?;
            self.keys.insert(a.id, key);
        }
        Ok(())
    }

    /// `coop` registers member `a` by a commitment to its name at the
    /// first of `times`; if the household consented, `coop` logs its
    /// consent at the second, the name and salt disclosed beside it.
    /// Otherwise the salt is dropped here and the name goes nowhere.
    async fn member(
        &self,
        a: &SampleActor,
        coop: &str,
        (at, consent_at): (Timestamp, Timestamp),
        key: PublicKey,
        region: Region,
    ) -> Result<(), ServiceError> {
        let (id, cooperative) = (actor(a.id)?, actor(coop)?);
        let salt = salt();
        let commit = name_commit(&salt, a.name);
        self.log(coop, at, |b| {
            b.register_member(&id, commit, key, region)
                .cooperative(&cooperative)
        })
        .await?;
        if !a.public {
            return Ok(());
        }
        let signer = self
            .keys
            .get(coop)
            .ok_or_else(|| ServiceError::Internal(format!("demo: no key for {coop}")))?;
        let consent = StatementBuilder::new(&cooperative, consent_at)
            .consent(&id, true)
            .form_of(consent_form(a).as_bytes())
            .sign(signer);
        let disclosure = Disclosure {
            member: id,
            name: a.name.to_owned(),
            salt,
        };
        self.send(&consent, Some(&disclosure)).await?;
        Ok(())
    }
}
