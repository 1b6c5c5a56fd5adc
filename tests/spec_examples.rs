//! The examples of docs/spec.md §6, with the seven statements §15 adds,
//! form one valid ledger under the rules as the code applies them (issue
//! 12): each example is parsed and decided in §15's order, signed with the
//! test keys §15 names, and the printed keys, the recall's reach and the
//! sample envelope with its entry id are the ones the spec shows. An
//! example the rules would refuse fails here, naming its leaf.

mod common;

use coop_ledger::domain::envelope::Envelope;
use coop_ledger::domain::ids::BatchId;
use coop_ledger::domain::keys::public_key_of;
use coop_ledger::domain::rules::{Context, MemState, apply};
use coop_ledger::domain::statement;
use coop_ledger::domain::time::Timestamp;
use ed25519_dalek::SigningKey;

/// The test key of `x` (spec §15): its seed is BLAKE3 of `docs/statements.md:x`.
fn key(x: &str) -> SigningKey {
    SigningKey::from_bytes(blake3::hash(format!("docs/statements.md:{x}").as_bytes()).as_bytes())
}

fn spec() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/spec.md"))
        .expect("docs/spec.md")
}

/// The text of every ```json block of spec §6, in order, as printed.
fn examples(spec: &str) -> Vec<String> {
    common::spec_section_6_json(spec)
}

/// A registration §15 adds (marked *): `by` registers `id` with its test key.
fn register(by: &str, id: &str, role: &str, province: &str, extra: &str) -> String {
    format!(
        r#"{{"v":1,"type":"actor.register","by":"{by}","at":"2026-01-20T09:00:00+07:00","id":"{id}","role":"{role}","name":"{id}","key":"{}","region":{{"province":"{province}"}}{extra}}}"#,
        public_key_of(&key(id))
    )
}

/// Logs `leaves` (each text with the test key of its signer) in order
/// through the rules, with `logged_at` as the ledger's clock; a refused
/// leaf fails the test, naming its index.
fn replay(leaves: &[(String, &str)], logged_at: &str) -> MemState {
    let logged_at = Timestamp::parse(logged_at).expect("time");
    let mut state = MemState::default();
    for (index, (text, signer)) in (0u64..).zip(leaves) {
        let st = statement::parse(text).unwrap_or_else(|e| panic!("leaf {index}: {e}"));
        let env = Envelope::sign(text.clone(), &key(signer));
        let changes = apply(&state, &Context { index, logged_at }, &env, &st)
            .unwrap_or_else(|e| panic!("leaf {index} is refused: {e}"));
        state.write(&changes);
    }
    state
}

#[test]
fn the_examples_of_the_spec_are_one_valid_ledger() {
    let spec = spec();
    let ex = examples(&spec);
    assert_eq!(ex.len(), 18, "spec §6 has 18 example statements");
    // The last two (§6.16, §6.17) are of a format-2 ledger, checked below.
    let ex: Vec<String> = ex.into_iter().take(16).collect();
    let [
        genesis,
        coop,
        member,
        rotate,
        revoke,
        lychee,
        paddy,
        ship,
        receive,
        milling,
        split,
        inspect,
        recall,
        offer,
        accept,
        correction,
    ] = <[String; 16]>::try_from(ex).expect("16 examples");

    for (who, printed) in [
        ("ledger", "RI2jZphZ+Vr7/ZSQ96Z0TMGaJ5gkVS8SVBuDXdCkVos="),
        (
            "lien-minh-htx-vn",
            "RMPoYKIQoE5Q4OIUkr55Nb9GYemW3L+xr/vxVKkX9r4=",
        ),
        (
            "htx-vai-hong-giang",
            "HhTQWhebbcrya5BX8bV+OfBD3cYJmgCOUPqH9/DxdVQ=",
        ),
        (
            "hg-ho-nguyen-van-thang",
            "shfEhBSWlabPD0KlY/TTja5HMrimwbScz0uovp0yUH4=",
        ),
        (
            "htx-lua-hoa-tu",
            "lAdU66ZhySXsZvJqfqfG5AfEbGNHK7Ibaf2+1Q/pQMI=",
        ),
        (
            "cty-gao-sao-phuong-nam",
            "mR71sj5QW2tOE8EA6DK1tD4zgtoSOZupt+xAFtItwZE=",
        ),
        (
            "chi-cuc-qlcl-soc-trang",
            "qF4LrRlbvF33m6f5TL0IOpwdKP5jr9yP31r041pZf7s=",
        ),
        (
            "trung-tam-chung-nhan-nong-san",
            "ty2qfu8q3o4Uu00zIF8OBAY2TR5v3SuBygKmfd9dlLY=",
        ),
        (
            "ht-ho-tran-thi-lan",
            "aiznRHsVzN9/1HzqwNVYAlJ9Z36sDdV43f6PIVHdDm8=",
        ),
        (
            "htx-lua-hoa-tu:2",
            "O9K/vDC+9PUNW3n+pppwG+R/sEUDpUvIzQV1PzKxttE=",
        ),
    ] {
        let derived = public_key_of(&key(who)).to_string();
        assert_eq!(derived, printed, "the test key of {who}");
        assert!(spec.contains(printed), "spec shows the key of {who}");
    }

    let registrar = "lien-minh-htx-vn";
    let leaves: Vec<(String, &str)> = vec![
        (genesis, "ledger"),
        (coop, registrar),
        (register(registrar, "htx-lua-hoa-tu", "cooperative", "Sóc Trăng", ""), registrar),
        (register(registrar, "cty-gao-sao-phuong-nam", "business", "Cần Thơ", ""), registrar),
        (register(registrar, "chi-cuc-qlcl-soc-trang", "authority", "Sóc Trăng", ""), registrar),
        (register(registrar, "trung-tam-chung-nhan-nong-san", "auditor", "Hà Nội", ""), registrar),
        (member, "htx-vai-hong-giang"),
        (
            register(
                "htx-lua-hoa-tu",
                "ht-ho-tran-thi-lan",
                "member",
                "Sóc Trăng",
                r#","cooperative":"htx-lua-hoa-tu""#,
            ),
            "htx-lua-hoa-tu",
        ),
        (rotate, "htx-lua-hoa-tu"),
        (offer, "cty-gao-sao-phuong-nam"),
        (accept.clone(), "htx-lua-hoa-tu:2"),
        (paddy, "htx-lua-hoa-tu:2"),
        (milling, "htx-lua-hoa-tu:2"),
        (split, "htx-lua-hoa-tu:2"),
        (ship, "htx-lua-hoa-tu:2"),
        (receive, "cty-gao-sao-phuong-nam"),
        (lychee, "hg-ho-nguyen-van-thang"),
        (
            r#"{"v":1,"type":"batch.ship","by":"hg-ho-nguyen-van-thang","at":"2026-06-12T18:00:00+07:00","batch":"VT-HG-2026-0612-017","to":"htx-vai-hong-giang"}"#.to_owned(),
            "hg-ho-nguyen-van-thang",
        ),
        (
            r#"{"v":1,"type":"batch.receive","by":"htx-vai-hong-giang","at":"2026-06-12T19:00:00+07:00","batch":"VT-HG-2026-0612-017","accepted":true}"#.to_owned(),
            "htx-vai-hong-giang",
        ),
        (inspect, "trung-tam-chung-nhan-nong-san"),
        (recall, "chi-cuc-qlcl-soc-trang"),
        (correction, "hg-ho-nguyen-van-thang"),
        (revoke, registrar),
    ];
    let state = replay(&leaves, "2026-08-05T02:00:00Z");
    for lot in [
        "LUA-HT-2026-0418-03",
        "GAO-ST25-HT-2026-041",
        "GAO-ST25-HT-2026-041A",
        "GAO-ST25-HT-2026-041B",
    ] {
        let id = BatchId::parse(lot).expect("id");
        assert!(
            state.batches[&id].recall.is_some(),
            "the recall reaches {lot}"
        );
    }

    // The sample envelope of §15: the §6.13 example, compacted, signed
    // with the rotated key.
    let compact =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&accept).expect("JSON"))
            .expect("JSON");
    let env = Envelope::sign(compact, &key("htx-lua-hoa-tu:2"));
    let printed = serde_json::to_string(&env).expect("JSON");
    assert!(spec.contains(&printed), "spec §15 shows {printed}");
    let id = env.entry_id().to_string();
    assert!(
        spec.contains(&format!("`{id}`")),
        "spec §15 shows entry id {id}"
    );
}

/// Issue 13: the format-2 examples of spec §6.16 and §6.17 (a member
/// registered by its name commitment, then its consent recorded by its
/// cooperative) are accepted on a format-2 ledger whose genesis is §6.2's
/// with `"format": 2`, and the commitment is the known answer the spec
/// prints.
#[test]
fn the_format_2_examples_of_the_spec_are_a_valid_ledger() {
    use coop_ledger::domain::privacy::{Salt, name_commit};
    let spec = spec();
    let ex = examples(&spec);
    let (genesis, consent, member) = (&ex[0], &ex[16], &ex[17]);
    let genesis = genesis.replacen(r#""v": 1,"#, r#""v": 1, "format": 2,"#, 1);
    let salt = Salt(std::array::from_fn(|i| i as u8));
    let commit = name_commit(&salt, "Nguyễn Văn An").to_string();
    assert!(
        member.contains(&commit),
        "§6.17's member commits to the known answer"
    );
    let id = "tv-k3m9q2x7pd";
    let printed = public_key_of(&key(id)).to_string();
    assert!(
        member.contains(&printed),
        "§6.17's member shows its test key {printed}"
    );
    let registrar = "lien-minh-htx-vn";
    let leaves: Vec<(String, &str)> = vec![
        (genesis, "ledger"),
        (
            register(registrar, "htx-lua-hoa-tu", "cooperative", "92", ""),
            registrar,
        ),
        (member.clone(), "htx-lua-hoa-tu"),
        (consent.clone(), "htx-lua-hoa-tu"),
    ];
    let state = replay(&leaves, "2026-12-01T02:00:00Z");
    let member = &state.actors[&coop_ledger::domain::ids::ActorId::parse(id).expect("id")];
    assert!(member.public, "the consent made the member public");
    assert_eq!(member.name, None, "the views hold no name");
}
