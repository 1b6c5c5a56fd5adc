//! Unit tests of the places table: the embedded table parses, and a table
//! that breaks an invariant is an error value naming its line.
//!
//! Known answers (codes, names, counts) come from the data of the PyPI
//! package `vietnam-provinces` 2025.10.1 (`nested-divisions.json`, as carried
//! into `vn-2025.tsv`), not from memory.

use super::*;

#[test]
fn the_embedded_table_parses() {
    let parsed = Places::parse(TABLE).expect("the embedded table holds its invariants");
    assert_eq!(parsed.provinces().len(), 34);
    assert_eq!(parsed.communes().len(), 3321);
    // `places()` gives the same table, parsed once.
    let once = places().expect("parsed");
    assert!(std::ptr::eq(once, places().expect("parsed")));
    assert_eq!(once.provinces(), parsed.provinces());
    assert_eq!(once.communes(), parsed.communes());
}

#[test]
fn communes_are_grouped_by_province_in_the_tables_order() {
    let places = places().expect("parsed");
    let mut total = 0;
    for p in places.provinces() {
        let communes = places.communes_of(p.code).expect("a province of the table");
        assert!(!communes.is_empty(), "{} has communes", p.name);
        assert!(communes.iter().all(|c| c.province == p.code));
        total += communes.len();
    }
    assert_eq!(total, places.communes().len());
    // Hà Nội (1) comes first in the table and its first ward there is
    // Phường Hoàn Kiếm (70).
    let ha_noi = ProvinceCode::parse("1").expect("a code");
    let first = &places.communes_of(ha_noi).expect("Hà Nội")[0];
    assert_eq!((first.code.get(), first.name), (70, "Phường Hoàn Kiếm"));
}

fn table_error_line(text: &'static str) -> usize {
    match Places::parse(text) {
        Err(PlacesError::Table { line, .. }) => line,
        other => panic!("expected a table error, got {other:?}"),
    }
}

#[test]
fn a_small_good_table_parses_whatever_the_order() {
    // The commune comes before its province: still fine.
    let text = "level\tcode\tprovince\tdivision_type\tname\n\
                commune\t70\t1\tphường\tPhường A\n\
                province\t1\t\ttỉnh\tTỉnh Một\n\
                province\t2\t\ttỉnh\tTỉnh Hai\n\
                commune\t5\t2\txã\tXã B\n\
                commune\t4\t1\txã\tXã C\n";
    let places = Places::parse(text).expect("a good table");
    let one = ProvinceCode::parse("1").expect("a code");
    let names: Vec<_> = places
        .communes_of(one)
        .expect("province 1")
        .iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Phường A", "Xã C"]);
    let two = ProvinceCode::parse("2").expect("a code");
    assert_eq!(places.communes_of(two).expect("province 2").len(), 1);
    assert_eq!(places.communes_of(ProvinceCode(3)), None);
}

#[test]
fn a_table_that_breaks_an_invariant_is_an_error_naming_its_line() {
    assert_eq!(table_error_line("code\tname\n"), 1);
    assert_eq!(table_error_line(""), 1);
    let cases: [(&'static str, usize); 9] = [
        // Four columns.
        (
            "level\tcode\tprovince\tdivision_type\tname\nprovince\t1\t\tTỉnh A\n",
            2,
        ),
        // A province code twice.
        (
            "level\tcode\tprovince\tdivision_type\tname\nprovince\t1\t\ttỉnh\tA\nprovince\t1\t\ttỉnh\tB\n",
            3,
        ),
        // A commune code twice.
        (
            "level\tcode\tprovince\tdivision_type\tname\nprovince\t1\t\ttỉnh\tA\ncommune\t4\t1\txã\tB\ncommune\t4\t1\txã\tC\n",
            4,
        ),
        // A commune in a province the table does not have.
        (
            "level\tcode\tprovince\tdivision_type\tname\nprovince\t1\t\ttỉnh\tA\ncommune\t4\t2\txã\tB\n",
            3,
        ),
        // A padded code.
        (
            "level\tcode\tprovince\tdivision_type\tname\nprovince\t01\t\ttỉnh\tA\n",
            2,
        ),
        // An empty name.
        (
            "level\tcode\tprovince\tdivision_type\tname\nprovince\t1\t\ttỉnh\t \n",
            2,
        ),
        // An unknown level.
        (
            "level\tcode\tprovince\tdivision_type\tname\ndistrict\t1\t\thuyện\tA\n",
            2,
        ),
        // A province inside a province.
        (
            "level\tcode\tprovince\tdivision_type\tname\nprovince\t1\t2\ttỉnh\tA\n",
            2,
        ),
        // A commune without a province.
        (
            "level\tcode\tprovince\tdivision_type\tname\nprovince\t1\t\ttỉnh\tA\ncommune\t4\t\txã\tB\n",
            3,
        ),
    ];
    for (text, line) in cases {
        assert_eq!(table_error_line(text), line, "{text:?}");
    }
}

#[test]
fn codes_are_digits_as_the_source_writes_them() {
    assert_eq!(ProvinceCode::parse("92").map(ProvinceCode::get), Ok(92));
    assert_eq!(CommuneCode::parse("31507").map(CommuneCode::get), Ok(31507));
    assert_eq!(
        CommuneCode::parse("4").map(|c| c.to_string()),
        Ok("4".into())
    );
    for bad in ["", "01", "0", "100", "9a", " 1", "+1", "1 ", "٣"] {
        assert!(ProvinceCode::parse(bad).is_err(), "province {bad:?}");
    }
    for bad in ["", "00070", "123456", "7o", "-70"] {
        assert!(CommuneCode::parse(bad).is_err(), "commune {bad:?}");
    }
    let err = ProvinceCode::parse("01").expect_err("padded");
    assert_eq!(
        err.to_string(),
        "province code \"01\" is not 1–2 digits without a leading zero"
    );
}

#[test]
fn normalize_name_drops_case_diacritics_and_extra_space() {
    assert_eq!(normalize_name("  Thành phố  Đà Nẵng "), "thanh pho da nang");
    assert_eq!(normalize_name("Đặc khu Côn Đảo"), "dac khu con dao");
    assert_eq!(normalize_name("SÓC TRĂNG"), "soc trang");
    // U+00D0 (Ð, eth) often stands in for U+0110 (Đ) in Vietnamese text.
    assert_eq!(normalize_name("Ðà Nẵng"), "da nang");
    assert_eq!(normalize_name(""), "");
}

#[test]
fn a_units_forms_drop_its_division_type_in_front() {
    let e = suggest_entry("Thành phố Cần Thơ", "thành phố trung ương");
    assert_eq!(
        e,
        [
            "thanh pho can tho",
            "can tho",
            "thanh pho trung uong can tho"
        ]
    );
    let e = suggest_entry("Bắc Ninh", "tỉnh");
    assert_eq!(e, ["bac ninh", "tinh bac ninh"]);
    let e = suggest_entry("Xã Xà Bang", "xã");
    assert_eq!(e, ["xa xa bang", "xa bang"]);
}

fn suggest_entry(name: &'static str, division_type: &str) -> Vec<String> {
    suggest::forms_of(name, division_type)
}
