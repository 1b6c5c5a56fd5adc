//! Tests of the signing app's shell, configuration, service worker and
//! manifest.

use super::*;

#[test]
fn the_shell_carries_every_code_in_its_language_and_no_raw_lt_in_its_json() {
    let cfg = config(Lang::Vi).expect("config");
    assert!(!cfg.contains('<'));
    let v: serde_json::Value = serde_json::from_str(&cfg).expect("json");
    for code in Code::ALL {
        assert_eq!(v["messages"][code.as_str()], code.message(Lang::Vi));
    }
    assert_eq!(v["limits"]["max_amount"], "1000000000000");
}

/// The app's rules between fields come from the domain (issue 12): the
/// shape of each process's transformation is the parser's own, and the
/// lengths the app reserves for an envelope's key and signature are
/// those of a signed envelope.
#[test]
fn the_app_receives_each_transformations_shape_and_the_envelopes_lengths() {
    let v: serde_json::Value =
        serde_json::from_str(&config(Lang::En).expect("config")).expect("json");
    for p in Process::ALL {
        assert_eq!(
            v["transforms"][p.as_str()],
            serde_json::to_value(transform_shape(*p)).expect("json"),
            "{p}"
        );
    }
    assert_eq!(
        v["transforms"]["split"],
        serde_json::json!({"inputs": {"min": 1, "max": 1},
            "outputs": {"min": 2, "max": 64}, "conserves": true})
    );
    assert_eq!(v["codes"]["transform"], "bad_transform");
    let env = crate::domain::envelope::Envelope::sign(
        "{}".to_owned(),
        &ed25519_dalek::SigningKey::from_bytes(&[7; 32]),
    );
    let env = serde_json::to_value(&env).expect("json");
    assert_eq!(
        v["limits"]["key_chars"],
        env["key"].as_str().expect("key").len()
    );
    assert_eq!(
        v["limits"]["sig_chars"],
        env["sig"].as_str().expect("sig").len()
    );
}

/// Whether the whole of `value` matches the pattern `p`, as the app
/// tests it (`new RegExp(`^(?:${p})$`)`).
fn matches(p: &str, value: &str) -> bool {
    regex::Regex::new(&format!("^(?:{p})$"))
        .expect("pattern")
        .is_match(value)
}

/// The ledger's verdict on a `batch.create` whose field `path` is
/// `value`: accepted, or the code it is refused with.
fn ledger(path: &[&str], value: &str) -> Result<(), Code> {
    let mut st = serde_json::json!({
        "v": 1, "type": "batch.create", "by": "tv-1", "at": "2026-11-21T08:00:00Z",
        "batch": "b-1", "product": {"category": "fruit", "name": "Vải"},
        "quantity": {"amount": "10", "unit": "kg"}, "origin": {"place": "Xã Hồng Giang"},
        "certifications": [{"scheme": "VietGAP", "id": "VG-1"}],
    });
    let mut at = &mut st;
    for p in &path[..path.len() - 1] {
        at = match p.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[*p],
        };
    }
    at[path[path.len() - 1]] = value.into();
    crate::domain::statement::parse(&st.to_string())
        .map(|_| ())
        .map_err(|r| r.code)
}

fn code_of(kind: &str) -> Code {
    CODES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, c)| *c)
        .expect("a code for every kind")
}

/// Each pattern the app receives against the domain's own parser, on
/// good and bad samples (issue 12): where the pattern alone decides,
/// the parser agrees with it and refuses with the code the app names;
/// where the app checks more after the pattern (a GTIN's check digit, a
/// day of the calendar, an amount's size), the samples say what that
/// check decides.
#[test]
fn every_pattern_sent_to_the_app_agrees_with_the_domain_parser() {
    let long = |c: &str, n: usize| c.repeat(n);
    // (kind, field, value, what the app's check after the pattern says)
    let samples: Vec<(&str, &[&str], String, bool)> = [
        ("id", &["batch"][..], "a", true),
        ("id", &["batch"], "lo.1_a-B", true),
        ("id", &["batch"], "", true),
        ("id", &["batch"], "lô-1", true),
        ("id", &["batch"], "a b", true),
        ("id", &["batch"], "a/b", true),
        ("id", &["batch"], "a\n", true),
        ("amount", &["quantity", "amount"], "1", true),
        ("amount", &["quantity", "amount"], "0.001", true),
        ("amount", &["quantity", "amount"], "1.5", true),
        ("amount", &["quantity", "amount"], "999999999999.999", true),
        ("amount", &["quantity", "amount"], "1000000000000", true),
        (
            "amount",
            &["quantity", "amount"],
            "1000000000000.001",
            false,
        ),
        ("amount", &["quantity", "amount"], "0", false),
        ("amount", &["quantity", "amount"], "0.000", false),
        ("amount", &["quantity", "amount"], "01", true),
        ("amount", &["quantity", "amount"], "1.", true),
        ("amount", &["quantity", "amount"], ".5", true),
        ("amount", &["quantity", "amount"], "1.2345", true),
        ("amount", &["quantity", "amount"], "1,5", true),
        ("amount", &["quantity", "amount"], "1e3", true),
        ("amount", &["quantity", "amount"], "-1", true),
        ("amount", &["quantity", "amount"], " 1", true),
        ("amount", &["quantity", "amount"], "10000000000000", true),
        ("gtin", &["product", "gtin"], "08935049501503", true),
        ("gtin", &["product", "gtin"], "00614141000036", true),
        ("gtin", &["product", "gtin"], "08935049501504", false),
        ("gtin", &["product", "gtin"], "8935049501503", true),
        ("gtin", &["product", "gtin"], "0893504950150a", true),
        ("gtin", &["product", "gtin"], "+8935049501503", true),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "2024-02-29",
            true,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "0050-01-01",
            true,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "2026-02-29",
            false,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "2026-13-01",
            false,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "2026-00-10",
            false,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "2026-1-01",
            true,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "+2026-01-01",
            true,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "-0004-02-29",
            true,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "-0001-02-29",
            false,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "+20260-01-01",
            true,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "2026-01-1",
            true,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "20260101",
            true,
        ),
        (
            "date",
            &["certifications", "0", "valid_until"],
            "2026/01/01",
            true,
        ),
        ("hash", &["photo_blake3"], "ab", true),
        ("hash", &["photo_blake3"], "AB", true),
        ("hash", &["photo_blake3"], "g", true),
    ]
    .into_iter()
    .map(|(k, f, v, after)| {
        let v = match (k, v) {
            ("hash", "ab") => long("ab", 32),
            ("hash", "AB") => long("AB", 32),
            ("hash", "g") => long("g", 64),
            (_, "a\n") => "a\n".to_owned(),
            _ => v.to_owned(),
        };
        (k, f, v, after)
    })
    .chain([
        ("id", &["batch"][..], long("a", 64), true),
        ("id", &["batch"][..], long("a", 65), true),
        ("hash", &["photo_blake3"][..], long("a", 63), true),
        ("hash", &["photo_blake3"][..], long("a", 65), true),
    ])
    .collect();
    let pattern = |kind: &str| match kind {
        "id" => PATTERNS.id,
        "amount" => PATTERNS.amount,
        "gtin" => PATTERNS.gtin,
        "date" => PATTERNS.date,
        "hash" => PATTERNS.hash,
        _ => unreachable!("{kind}"),
    };
    for (kind, field, value, after) in &samples {
        let app = matches(pattern(kind), value) && *after;
        let said = ledger(field, value);
        assert_eq!(app, said.is_ok(), "{kind} {value:?}: ledger {said:?}");
        if let Err(code) = said {
            assert_eq!(code, code_of(kind), "{kind} {value:?}");
        }
    }
    // Public keys: the pattern is exactly the spelling the key parser
    // reads (whether the bytes are a usable point is the ledger's to say).
    let real = crate::domain::keys::PublicKey::from(
        ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key(),
    )
    .to_string();
    let a43 = long("A", 43);
    for key in [
        real.clone(),
        format!("{a43}="),
        format!("{}B=", long("A", 42)),
        a43.clone(),
        format!("{a43}=="),
        format!("{}==", long("A", 42)),
        format!("{}=", long("A", 44)),
        real.replace('=', ""),
        format!(" {real}"),
    ] {
        assert_eq!(
            matches(PATTERNS.key, &key),
            crate::domain::keys::PublicKey::parse(&key).is_ok(),
            "{key:?}"
        );
    }
    assert!(matches(PATTERNS.key, &real));
    // The id pattern says 64, as the parser's limit does.
    assert!(ID_PATTERN.ends_with(&format!("{{1,{MAX_ID_LEN}}}")));
}

#[test]
fn the_app_receives_who_may_sign_each_type_from_the_rules_table() {
    let cfg = config(Lang::En).expect("config");
    let v: serde_json::Value = serde_json::from_str(&cfg).expect("json");
    for t in StatementType::ALL {
        let sent = &v["signers"][t.as_str()];
        assert_eq!(
            *sent,
            serde_json::to_value(roles::signer_roles(t)).expect("json"),
            "{t}"
        );
    }
    assert_eq!(
        v["signers"]["batch.inspect"]["roles"],
        serde_json::json!(["auditor", "authority"])
    );
    assert_eq!(
        v["signers"]["actor.register"]["only"]["condition"],
        serde_json::json!({"own_members": {"members": "member"}})
    );
}

/// Issue 13: the forms offer the 2025 map from the domain's table: the
/// 34 provinces in the shell, and every commune of each in the
/// separate, content-hashed list the worker keeps, not in the shell.
#[test]
fn the_app_offers_the_provinces_in_the_shell_and_the_communes_in_a_hashed_list() {
    let map = places().expect("places");
    let cfg = config(Lang::Vi).expect("config");
    let v: serde_json::Value = serde_json::from_str(&cfg).expect("json");
    let provinces = v["places"]["provinces"].as_array().expect("provinces");
    assert_eq!(provinces.len(), 34);
    for (sent, p) in provinces.iter().zip(map.provinces()) {
        assert_eq!(*sent, serde_json::json!([p.code.to_string(), p.name]));
    }
    let path = v["places"]["communes"].as_str().expect("path");
    assert_eq!(path, communes_path());
    assert!(path.starts_with("/app/communes.") && path.ends_with(".json"));
    let (_, json) = COMMUNES.as_ref().expect("communes");
    let communes: BTreeMap<String, Vec<(String, String)>> =
        serde_json::from_str(json).expect("communes json");
    let mut n = 0;
    for p in map.provinces() {
        let listed = &communes[&p.code.to_string()];
        let of = map.communes_of(p.code).expect("communes");
        assert_eq!(listed.len(), of.len(), "{}", p.name);
        for ((code, name), c) in listed.iter().zip(of) {
            assert_eq!(
                (code.as_str(), name.as_str()),
                (&*c.code.to_string(), c.name)
            );
        }
        n += of.len();
    }
    assert_eq!(n, 3321);
    // The shell stays small: no commune in it.
    assert!(!cfg.contains("Phường Sóc Trăng"));
    assert!(cfg.len() < 40_000, "{} bytes", cfg.len());
    assert!(render_service_worker().expect("sw").contains(path));
    assert_eq!(v["limits"]["coordinate_decimals"], 2);
    assert_eq!(v["privacy"]["name_prefix"], "coop-ledger name v1\n");
    assert_eq!(v["privacy"]["salt_bytes"], 32);
}

#[test]
fn the_service_worker_precaches_the_shell_and_every_static_file() {
    let sw = render_service_worker().expect("service worker");
    for p in assets::all_paths() {
        assert!(sw.contains(p.as_str()), "{p}");
    }
    assert!(sw.contains("\"/app/?lang=en\""));
}
