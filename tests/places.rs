//! The 2025 map (issue 13): the embedded table of Vietnam's provinces and
//! communes since 1 July 2025, checked through the public API the way a
//! reader of the GSO list would check it.
//!
//! Every known answer here (counts, codes, names, which province a ward is
//! in) was read from the data of the PyPI package `vietnam-provinces`
//! 2025.10.1 (`vietnam_provinces/data/nested-divisions.json`), not from
//! memory.

use coop_ledger::domain::places::{
    CommuneCode, PlaceCode, Places, ProvinceCode, normalize_name, places,
};
use std::collections::{BTreeMap, HashSet};

fn table() -> &'static Places {
    places().expect("the embedded table parses")
}

fn province(code: &str) -> ProvinceCode {
    ProvinceCode::parse(code).expect("a province code")
}

fn commune(code: &str) -> CommuneCode {
    CommuneCode::parse(code).expect("a commune code")
}

#[test]
fn issue_13_the_map_has_34_provinces_and_3321_communes() {
    let t = table();
    assert_eq!(t.provinces().len(), 34);
    assert_eq!(t.communes().len(), 3321);
    // By division type, as the source counts them.
    let mut types = BTreeMap::new();
    for p in t.provinces() {
        *types.entry(p.division_type).or_insert(0) += 1;
    }
    for c in t.communes() {
        *types.entry(c.division_type).or_insert(0) += 1;
    }
    let expected = BTreeMap::from([
        ("thành phố trung ương", 6),
        ("tỉnh", 28),
        ("xã", 2621),
        ("phường", 687),
        ("đặc khu", 13),
    ]);
    assert_eq!(types, expected);
}

#[test]
fn issue_13_codes_are_unique_and_every_commune_has_its_province() {
    let t = table();
    let provinces: HashSet<_> = t.provinces().iter().map(|p| p.code).collect();
    assert_eq!(
        provinces.len(),
        t.provinces().len(),
        "province codes unique"
    );
    let communes: HashSet<_> = t.communes().iter().map(|c| c.code).collect();
    assert_eq!(communes.len(), t.communes().len(), "commune codes unique");
    for c in t.communes() {
        let p = t.province(c.province);
        assert!(p.is_some(), "{} ({}) has a province", c.name, c.code);
        assert_eq!(t.commune(c.code), Some(c));
    }
    for p in t.provinces() {
        assert_eq!(t.province(p.code), Some(p));
        // A code reads back as the source wrote it.
        assert_eq!(ProvinceCode::parse(&p.code.to_string()), Ok(p.code));
    }
    let per_province: usize = t
        .provinces()
        .iter()
        .map(|p| t.communes_of(p.code).map_or(0, <[_]>::len))
        .sum();
    assert_eq!(per_province, 3321);
}

#[test]
fn issue_13_known_answers_from_the_packages_data() {
    let t = table();
    let ha_noi = t.province(province("1")).expect("Hà Nội");
    assert_eq!(ha_noi.name, "Thành phố Hà Nội");
    assert_eq!(ha_noi.division_type, "thành phố trung ương");
    let can_tho = t.province(province("92")).expect("Cần Thơ");
    assert_eq!(can_tho.name, "Thành phố Cần Thơ");
    assert_eq!(t.province(province("24")).map(|p| p.name), Some("Bắc Ninh"));

    let hoan_kiem = t.commune(commune("70")).expect("Phường Hoàn Kiếm");
    assert_eq!(hoan_kiem.name, "Phường Hoàn Kiếm");
    assert_eq!(hoan_kiem.division_type, "phường");
    assert_eq!(hoan_kiem.province, ha_noi.code);
    assert_eq!(t.communes_of(ha_noi.code).map(<[_]>::len), Some(126));
    assert_eq!(t.communes_of(can_tho.code).map(<[_]>::len), Some(103));

    // Since 1 July 2025 Sóc Trăng is a ward of Cần Thơ, Bắc Giang a ward of
    // Bắc Ninh, Bạc Liêu a ward of Cà Mau.
    let soc_trang = t.commune(commune("31507")).expect("Phường Sóc Trăng");
    assert_eq!(
        (soc_trang.name, soc_trang.province),
        ("Phường Sóc Trăng", can_tho.code)
    );
    let bac_giang = t.commune(commune("7210")).expect("Phường Bắc Giang");
    assert_eq!(
        (bac_giang.name, bac_giang.province.get()),
        ("Phường Bắc Giang", 24)
    );
    let bac_lieu = t.commune(commune("31825")).expect("Phường Bạc Liêu");
    assert_eq!(
        (bac_lieu.name, bac_lieu.province.get()),
        ("Phường Bạc Liêu", 96)
    );
    let con_dao = t.commune(commune("26732")).expect("Đặc khu Côn Đảo");
    assert_eq!(
        (con_dao.division_type, con_dao.province.get()),
        ("đặc khu", 79)
    );

    // Province 4 (Cao Bằng) and commune 4 (Phường Ba Đình, Hà Nội) are
    // different units: the two levels have separate code lists.
    assert_eq!(t.province(province("4")).map(|p| p.name), Some("Cao Bằng"));
    assert_eq!(
        t.commune(commune("4")).map(|c| c.name),
        Some("Phường Ba Đình")
    );
}

#[test]
fn issue_13_suggest_finds_names_without_diacritics_or_case() {
    let t = table();
    let p = |code: u32| PlaceCode::Province(ProvinceCode::parse(&code.to_string()).expect("code"));
    assert_eq!(t.suggest("can tho"), Some((p(92), "Thành phố Cần Thơ")));
    assert_eq!(t.suggest("ha noi"), Some((p(1), "Thành phố Hà Nội")));
    assert_eq!(t.suggest("Bac Ninh"), Some((p(24), "Bắc Ninh")));
    assert_eq!(t.suggest("DA NANG"), Some((p(48), "Thành phố Đà Nẵng")));
    assert_eq!(t.suggest("Tỉnh Bắc Ninh"), Some((p(24), "Bắc Ninh")));
    // The data has Sóc Trăng as a ward of Cần Thơ.
    let (code, name) = t.suggest("soc trang").expect("a suggestion");
    assert_eq!(name, "Phường Sóc Trăng");
    let PlaceCode::Commune(code) = code else {
        panic!("a ward, not {code:?}")
    };
    assert_eq!(t.commune(code).map(|c| c.province.get()), Some(92));
}

#[test]
fn issue_13_suggest_forgives_a_typo() {
    let t = table();
    assert_eq!(
        t.suggest_province("can thp"),
        Some((province("92"), "Thành phố Cần Thơ"))
    );
    assert_eq!(
        t.suggest_province("ha nio"),
        Some((province("1"), "Thành phố Hà Nội"))
    );
    assert_eq!(
        t.suggest_province("bac nnh"),
        Some((province("24"), "Bắc Ninh"))
    );
    assert_eq!(
        t.suggest_commune(province("1"), "hoan kiem"),
        Some((commune("70"), "Phường Hoàn Kiếm"))
    );
    assert_eq!(
        t.suggest_commune(province("1"), "phuong hoan kiemm"),
        Some((commune("70"), "Phường Hoàn Kiếm"))
    );
    // Within another province, the same text finds one of its own.
    let (other, _) = t
        .suggest_commune(province("92"), "hoan kiem")
        .expect("a suggestion");
    assert_eq!(t.commune(other).map(|c| c.province.get()), Some(92));
}

#[test]
fn issue_13_a_bad_code_finds_nothing_and_suggests_the_closest() {
    let t = table();
    // Province 93 does not exist; 92 (Cần Thơ) is one digit and one unit
    // away.
    assert_eq!(t.province(province("93")), None);
    assert_eq!(
        t.suggest_province("93"),
        Some((province("92"), "Thành phố Cần Thơ"))
    );
    // GSO's padded spelling is not the table's, but suggests the unit.
    assert!(ProvinceCode::parse("01").is_err());
    assert_eq!(
        t.suggest_province("01"),
        Some((province("1"), "Thành phố Hà Nội"))
    );
    assert!(CommuneCode::parse("00070").is_err());
    assert_eq!(
        t.suggest_commune(province("1"), "00070"),
        Some((commune("70"), "Phường Hoàn Kiếm"))
    );
    // Commune 99999 does not exist; the suggestion is a real commune.
    assert_eq!(t.commune(commune("99999")), None);
    let (code, name) = t.suggest("99999").expect("a suggestion");
    let PlaceCode::Commune(code) = code else {
        panic!("a commune, not {code:?}")
    };
    assert_eq!(t.commune(code).map(|c| c.name), Some(name));
    assert_eq!(t.communes_of(province("93")), None);
    assert_eq!(t.suggest_commune(province("93"), "hoan kiem"), None);
    // Nothing to go on.
    assert_eq!(t.suggest("   "), None);
    assert_eq!(t.suggest_province(""), None);
}

#[test]
fn issue_13_every_province_is_its_own_best_suggestion() {
    let t = table();
    for p in t.provinces() {
        let by_name = t.suggest_province(&normalize_name(p.name));
        assert_eq!(by_name, Some((p.code, p.name)), "by name");
        let by_code = t.suggest_province(&p.code.to_string());
        assert_eq!(by_code, Some((p.code, p.name)), "by code");
    }
}

#[test]
fn issue_13_a_communes_name_without_diacritics_suggests_a_commune_of_that_name() {
    // Invariant: for any commune, its name with diacritics removed suggests,
    // within its province, a commune whose name normalizes the same (names
    // repeat inside a province only where the source repeats them). Checked
    // on every 7th commune to keep the debug build's run short.
    let t = table();
    for c in t.communes().iter().step_by(7) {
        let text = normalize_name(c.name);
        let (code, name) = t.suggest_commune(c.province, &text).expect("a suggestion");
        assert_eq!(normalize_name(name), text, "{} ({})", c.name, c.code);
        assert_eq!(t.commune(code).map(|x| x.province), Some(c.province));
    }
}
