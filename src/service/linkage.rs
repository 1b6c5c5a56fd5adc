//! The linkage report as a spreadsheet (CSV), shared by
//! `GET /api/v1/linkage.csv` and `coop-ledger report linkage --format csv`.
//!
//! One table, one row per figure: `section` says which part of the report a
//! row comes from (`total`, `category`, `province`, `month`, `members`,
//! `volume`), `name` and `group` which figure. Cells that do not apply to a
//! row are empty. The period is repeated on every row so that rows copied
//! into another sheet still say what they cover.
//!
//! The report itself comes from `Ledger::linkage`, which reads the
//! in-memory linkage index that opening folds from the stored facts and the
//! sequencer keeps current; it never reads the log.

use crate::domain::linkage::{Figure, LinkageReport};
use std::collections::BTreeSet;

/// The report as CSV text (UTF-8, with a header row).
pub fn to_csv(r: &LinkageReport) -> Result<String, csv::Error> {
    let years: BTreeSet<u16> = r
        .targets
        .cooperatives
        .iter()
        .chain(&r.targets.collective)
        .map(|t| t.year)
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "from",
        "to",
        "section",
        "name",
        "group",
        "registered",
        "linked",
        "share",
        "by_contract",
        "by_shipment",
    ]
    .map(String::from)
    .to_vec();
    for y in &years {
        header.extend([
            format!("target_{y}"),
            format!("gap_{y}"),
            format!("needed_{y}"),
            format!("met_{y}"),
        ]);
    }
    header.extend(["amount", "unit", "deliveries"].map(String::from));
    w.write_record(&header)?;
    let (from, to) = (r.from.to_string(), r.to.to_string());
    let blank_targets = || {
        years
            .iter()
            .flat_map(|_| [String::new(), String::new(), String::new(), String::new()])
    };
    let figure =
        |w: &mut csv::Writer<Vec<u8>>, section: &str, name: &str, group: &str, f: &Figure| {
            let mut row = vec![
                from.clone(),
                to.clone(),
                section.to_owned(),
                name.to_owned(),
                group.to_owned(),
                f.registered.to_string(),
                f.linked.to_string(),
                f.share.to_string(),
                f.by_contract.to_string(),
                f.by_shipment.to_string(),
            ];
            for y in &years {
                match f.progress.iter().find(|p| p.year == *y) {
                    Some(p) => row.extend([
                        p.target.to_string(),
                        p.gap.to_string(),
                        p.needed.to_string(),
                        p.met.to_string(),
                    ]),
                    None => {
                        row.extend([String::new(), String::new(), String::new(), String::new()])
                    }
                }
            }
            row.extend([String::new(), String::new(), String::new()]);
            w.write_record(&row)
        };
    for (group, f) in [
        ("cooperatives", &r.cooperatives),
        ("collective", &r.collective),
    ] {
        figure(&mut w, "total", "", group, f)?;
    }
    for c in &r.by_category {
        figure(
            &mut w,
            "category",
            c.category.as_str(),
            "cooperatives",
            &c.cooperatives,
        )?;
        figure(
            &mut w,
            "category",
            c.category.as_str(),
            "collective",
            &c.collective,
        )?;
    }
    for p in &r.by_province {
        figure(
            &mut w,
            "province",
            &p.province,
            "cooperatives",
            &p.cooperatives,
        )?;
        figure(&mut w, "province", &p.province, "collective", &p.collective)?;
    }
    for m in &r.by_month {
        figure(&mut w, "month", &m.month, "cooperatives", &m.cooperatives)?;
        figure(&mut w, "month", &m.month, "collective", &m.collective)?;
    }
    let m = &r.members_reaching_business;
    let mut row = vec![
        from.clone(),
        to.clone(),
        "members".into(),
        "reaching_business".into(),
        "members".into(),
        m.registered.to_string(),
        m.reached.to_string(),
        m.share.to_string(),
        String::new(),
        String::new(),
    ];
    row.extend(blank_targets());
    row.extend([String::new(), String::new(), String::new()]);
    w.write_record(&row)?;
    for v in &r.volume_to_business {
        let mut row = vec![
            from.clone(),
            to.clone(),
            "volume".into(),
            v.category.as_str().to_owned(),
            "to_business".into(),
        ];
        row.extend(std::iter::repeat_n(String::new(), 5));
        row.extend(blank_targets());
        row.extend([
            v.amount.to_string(),
            v.unit.as_str().to_owned(),
            v.deliveries.to_string(),
        ]);
        w.write_record(&row)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    String::from_utf8(bytes).map_err(|e| csv::Error::from(std::io::Error::other(e)))
}
