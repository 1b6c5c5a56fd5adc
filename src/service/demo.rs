//! The sample ledger behind `coop-ledger demo`: realistic Vietnamese
//! cooperatives, members, businesses and an authority, registered through
//! the same submission path as any client. Every actor's key is written to
//! `DIR/keys/<id>.pem` (0600) so that a user can go on signing as them.

use super::{Ledger, RegistrarSpec, ServiceError, SystemClock, keyfile};
use crate::domain::envelope::Envelope;
use crate::domain::ids::ActorId;
use crate::domain::keys::PublicKey;
use crate::domain::time::Timestamp;
use ed25519_dalek::SigningKey;
use serde_json::json;
use std::path::Path;

/// The demo's registrar id.
pub const REGISTRAR: &str = "lien-minh-htx";

/// The demo's origin.
pub const ORIGIN: &str = "demo.coop-ledger.vn/2026";

/// `(id, role, name, province, district, commune, cooperative, public)`.
type SampleActor = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    bool,
);

/// The sample actors, in registration order (cooperatives before members).
pub const ACTORS: &[SampleActor] = &[
    (
        "htx-tan-lap",
        "cooperative",
        "HTX Dịch vụ Nông nghiệp Tân Lập",
        "Thái Bình",
        "Vũ Thư",
        "Tân Lập",
        None,
        true,
    ),
    (
        "htx-vai-phuong-nam",
        "cooperative",
        "HTX Vải thiều Phượng Nam",
        "Bắc Giang",
        "Lục Ngạn",
        "Phượng Sơn",
        None,
        true,
    ),
    (
        "htx-tom-tan-hung",
        "cooperative",
        "HTX Nuôi tôm sinh thái Tân Hưng",
        "Cà Mau",
        "Cái Nước",
        "Tân Hưng",
        None,
        true,
    ),
    (
        "tv-nguyen-van-an",
        "member",
        "Nguyễn Văn An",
        "Thái Bình",
        "Vũ Thư",
        "Tân Lập",
        Some("htx-tan-lap"),
        true,
    ),
    (
        "tv-tran-thi-binh",
        "member",
        "Trần Thị Bình",
        "Thái Bình",
        "Vũ Thư",
        "Tân Lập",
        Some("htx-tan-lap"),
        false,
    ),
    (
        "tv-le-van-cuong",
        "member",
        "Lê Văn Cường",
        "Bắc Giang",
        "Lục Ngạn",
        "Phượng Sơn",
        Some("htx-vai-phuong-nam"),
        false,
    ),
    (
        "tv-pham-thi-dung",
        "member",
        "Phạm Thị Dung",
        "Cà Mau",
        "Cái Nước",
        "Tân Hưng",
        Some("htx-tom-tan-hung"),
        false,
    ),
    (
        "dn-gao-viet-xanh",
        "business",
        "Công ty CP Gạo Việt Xanh",
        "TP. Hồ Chí Minh",
        "Thủ Đức",
        "Linh Trung",
        None,
        true,
    ),
    (
        "dn-trai-cay-kinh-bac",
        "business",
        "Công ty TNHH Trái cây Kinh Bắc",
        "Bắc Ninh",
        "Từ Sơn",
        "Đồng Nguyên",
        None,
        true,
    ),
    (
        "dn-thuy-san-mekong",
        "business",
        "Công ty CP Thủy sản Mekong Xanh",
        "Cần Thơ",
        "Ninh Kiều",
        "An Hòa",
        None,
        true,
    ),
    (
        "chi-cuc-qlcl-bac-giang",
        "authority",
        "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản Bắc Giang",
        "Bắc Giang",
        "TP. Bắc Giang",
        "Trần Phú",
        None,
        true,
    ),
];

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

/// Registers the sample actors through `ledger.submit`.
pub async fn populate(
    ledger: &Ledger,
    dir: &Path,
    registrar: &SigningKey,
) -> Result<(), ServiceError> {
    let at = Timestamp::from_clock(time::OffsetDateTime::now_utc()).to_string();
    for (id, role, name, province, district, commune, coop, public) in ACTORS {
        let key = keyfile::generate();
        let mut st = json!({
            "v": 1, "type": "actor.register", "by": REGISTRAR, "at": at,
            "id": id, "role": role, "name": name, "key": PublicKey::from(key.verifying_key()).to_string(),
            "region": {"province": province, "district": district, "commune": commune},
        });
        if let Some(c) = coop {
            st["cooperative"] = json!(c);
            st["public"] = json!(public);
        }
        let env = Envelope::sign(st.to_string(), registrar);
        let body = serde_json::to_vec(&env).map_err(|e| ServiceError::Internal(e.to_string()))?;
        ledger.submit(&body).await?;
        save_key(dir, id, &key)?;
    }
    Ok(())
}
