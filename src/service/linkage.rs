//! The linkage report as a spreadsheet (CSV), shared by
//! `GET /api/v1/linkage.csv` and `coop-ledger report linkage --format csv`.
//!
//! One table, one row per figure: `section` says which part of the report a
//! row comes from (`total`, `category`, `province`, `month`, `members`,
//! `volume`, and `digital`, `digital_category`, `digital_province` for
//! digital transformation), `name` and `group` which figure. Cells that do
//! not apply to a row are empty. Each volume row has its own unit, the
//! category's (spec §9.4); `unit_note` says `no_net_content` on packs that
//! could not be converted. Text cells are kept from running as formulas. The period is repeated on every row so that rows copied
//! into another sheet still say what they cover.
//!
//! The report itself comes from `Ledger::linkage`, which reads the
//! in-memory linkage index that opening folds from the stored facts and the
//! sequencer keeps current; it never reads the log.

use crate::domain::linkage::{DigitalFigure, Figure, LinkageReport};
use crate::service::export::spreadsheet_safe;
use std::collections::BTreeSet;

/// The key of a target's columns: its year, or `digital` for the digital
/// target without one (spec §9.7).
fn key(year: Option<u16>) -> String {
    year.map_or_else(|| "digital".to_owned(), |y| y.to_string())
}

/// The four cells of one target: its share, the gap, how many are needed
/// and whether it is met.
fn target_cells(target: f64, gap: f64, needed: u64, met: bool) -> [String; 4] {
    [
        target.to_string(),
        gap.to_string(),
        needed.to_string(),
        met.to_string(),
    ]
}

/// The report as CSV text (UTF-8, with a header row).
pub fn to_csv(r: &LinkageReport) -> Result<String, csv::Error> {
    let keys: BTreeSet<String> = r
        .targets
        .cooperatives
        .iter()
        .chain(&r.targets.collective)
        .map(|t| key(Some(t.year)))
        .chain(r.targets.digital.iter().map(|t| key(t.year)))
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
        "signed",
    ]
    .map(String::from)
    .to_vec();
    for k in &keys {
        header.extend([
            format!("target_{k}"),
            format!("gap_{k}"),
            format!("needed_{k}"),
            format!("met_{k}"),
        ]);
    }
    header.extend(["amount", "unit", "deliveries", "unit_note"].map(String::from));
    w.write_record(&header)?;
    let (from, to) = (r.from.to_string(), r.to.to_string());
    // One row: its leading cells, then per target key its four cells (if
    // any), then the volume's.
    let write = |w: &mut csv::Writer<Vec<u8>>,
                 lead: [String; 11],
                 progress: &dyn Fn(&str) -> Option<[String; 4]>,
                 tail: [String; 4]| {
        let mut row: Vec<String> = lead.into_iter().map(spreadsheet_safe).collect();
        for k in &keys {
            row.extend(progress(k).unwrap_or_default());
        }
        row.extend(tail.into_iter().map(spreadsheet_safe));
        w.write_record(&row)
    };
    let lead = |section: &str, name: &str, group: &str, cells: [String; 6]| {
        let [registered, linked, share, by_contract, by_shipment, signed] = cells;
        [
            from.clone(),
            to.clone(),
            section.to_owned(),
            name.to_owned(),
            group.to_owned(),
            registered,
            linked,
            share,
            by_contract,
            by_shipment,
            signed,
        ]
    };
    let figure =
        |w: &mut csv::Writer<Vec<u8>>, section: &str, name: &str, group: &str, f: &Figure| {
            let cells = [
                f.registered.to_string(),
                f.linked.to_string(),
                f.share.to_string(),
                f.by_contract.to_string(),
                f.by_shipment.to_string(),
                String::new(),
            ];
            let progress = |k: &str| {
                f.progress
                    .iter()
                    .find(|p| key(Some(p.year)) == k)
                    .map(|p| target_cells(p.target, p.gap, p.needed, p.met))
            };
            write(
                w,
                lead(section, name, group, cells),
                &progress,
                Default::default(),
            )
        };
    let digital = |w: &mut csv::Writer<Vec<u8>>,
                   section: &str,
                   name: &str,
                   group: &str,
                   f: &DigitalFigure| {
        let cells = [
            f.registered.to_string(),
            String::new(),
            f.share.to_string(),
            String::new(),
            String::new(),
            f.signed.to_string(),
        ];
        let progress = |k: &str| {
            f.progress
                .iter()
                .find(|p| key(p.year) == k)
                .map(|p| target_cells(p.target, p.gap, p.needed, p.met))
        };
        write(
            w,
            lead(section, name, group, cells),
            &progress,
            Default::default(),
        )
    };
    for (group, f) in [
        ("cooperatives", &r.cooperatives),
        ("collective", &r.collective),
    ] {
        figure(&mut w, "total", "", group, f)?;
    }
    for c in &r.by_category {
        let name = c.category.as_str();
        figure(&mut w, "category", name, "cooperatives", &c.cooperatives)?;
        figure(&mut w, "category", name, "collective", &c.collective)?;
    }
    for p in &r.by_province {
        let name = p.province.as_str();
        figure(&mut w, "province", name, "cooperatives", &p.cooperatives)?;
        figure(&mut w, "province", name, "collective", &p.collective)?;
    }
    for m in &r.by_month {
        figure(&mut w, "month", &m.month, "cooperatives", &m.cooperatives)?;
        figure(&mut w, "month", &m.month, "collective", &m.collective)?;
    }
    let rows = std::iter::once(("digital", "", &r.digital))
        .chain(
            r.by_category
                .iter()
                .map(|c| ("digital_category", c.category.as_str(), &c.digital)),
        )
        .chain(
            r.by_province
                .iter()
                .map(|p| ("digital_province", p.province.as_str(), &p.digital)),
        );
    for (section, name, d) in rows {
        digital(&mut w, section, name, "cooperatives", &d.cooperatives)?;
        digital(&mut w, section, name, "collective", &d.collective)?;
    }
    let m = &r.members_reaching_business;
    let cells = [
        m.registered.to_string(),
        m.reached.to_string(),
        m.share.to_string(),
        String::new(),
        String::new(),
        String::new(),
    ];
    write(
        &mut w,
        lead("members", "reaching_business", "members", cells),
        &|_| None,
        Default::default(),
    )?;
    for v in &r.volume_to_business {
        let note = if v.unconverted { "no_net_content" } else { "" };
        write(
            &mut w,
            lead(
                "volume",
                v.category.as_str(),
                "to_business",
                Default::default(),
            ),
            &|_| None,
            [
                v.amount.to_string(),
                v.unit.as_str().to_owned(),
                v.deliveries.to_string(),
                note.to_owned(),
            ],
        )?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    String::from_utf8(bytes).map_err(|e| csv::Error::from(std::io::Error::other(e)))
}
