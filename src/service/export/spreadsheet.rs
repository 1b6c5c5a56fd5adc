//! One lot's chain as a sortable spreadsheet (CSV, in the spirit of the FDA
//! FSMA 204 "electronic sortable spreadsheet"): one row per tracking event
//! with its key data elements, headers in English or Vietnamese, every cell
//! safe from being run as a formula.

use super::{Item, MAX_EXPORT_EVENTS, TipViews};
use crate::domain::epcis;
use crate::domain::ids::{ActorId, BatchId};
use crate::domain::messages::Lang;
use crate::domain::product::Product;
use crate::domain::quantity::Quantity;
use crate::domain::statement::{Body, Region};
use crate::domain::time::Timestamp;
use crate::service::{Ledger, ServiceError};

/// The byte-order mark the spreadsheet starts with, so that Excel reads it
/// as UTF-8 (Vietnamese diacritics) rather than the machine's code page.
pub const UTF8_BOM: &str = "\u{feff}";

impl Ledger {
    /// Lot `id`'s chain as a spreadsheet (CSV, UTF-8 with a byte-order
    /// mark): one row per tracking event, one per output lot for a
    /// transformation with several outputs, sorted by event time. Headers
    /// and event words in English, or Vietnamese for `Lang::Vi`.
    pub fn lot_csv(&self, id: &BatchId, lang: Lang) -> Result<Vec<u8>, ServiceError> {
        let (items, mut views) = self.chain(id, MAX_EXPORT_EVENTS)?;
        let mut rows = Vec::new();
        for item in &items {
            rows.extend(rows_of(item, &mut views, lang)?);
        }
        rows.sort_by_key(|a| (a.at, a.index));
        let mut out = UTF8_BOM.as_bytes().to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            let internal = |e: csv::Error| ServiceError::Internal(format!("csv: {e}"));
            w.write_record(headers(lang)).map_err(internal)?;
            for r in rows {
                w.write_record(r.cells.into_iter().map(spreadsheet_safe))
                    .map_err(internal)?;
            }
            w.flush()
                .map_err(|e| ServiceError::Internal(format!("csv: {e}")))?;
        }
        Ok(out)
    }
}

/// The spreadsheet's columns, in order.
const COLUMNS: [(&str, &str); 27] = [
    ("event_time", "Thời gian"),
    ("event", "Sự kiện"),
    ("statement_type", "Loại bản khai"),
    ("lot", "Lô"),
    ("product", "Sản phẩm"),
    ("category", "Nhóm sản phẩm"),
    ("gtin", "GTIN"),
    ("quantity", "Số lượng"),
    ("unit", "Đơn vị"),
    ("inputs", "Đầu vào"),
    ("from_id", "Từ (mã)"),
    ("from_name", "Từ (tên)"),
    ("to_id", "Đến (mã)"),
    ("to_name", "Đến (tên)"),
    ("signed_by", "Người ký"),
    ("location", "Địa điểm"),
    ("contract", "Hợp đồng"),
    ("inspection_scheme", "Tiêu chuẩn kiểm tra"),
    ("inspection_result", "Kết quả kiểm tra"),
    ("report_blake3", "Mã băm biên bản (BLAKE3)"),
    ("note", "Ghi chú"),
    ("ledger_index", "Số thứ tự trong sổ cái"),
    ("leaf_hash", "Mã băm lá (SHA-256, base64)"),
    ("entry_id", "Mã mục (BLAKE3)"),
    ("recalled", "Đã thu hồi"),
    ("corrected", "Đã đính chính"),
    ("correction", "Nội dung đính chính"),
];

fn headers(lang: Lang) -> Vec<&'static str> {
    COLUMNS
        .iter()
        .map(|(en, vi)| if lang == Lang::Vi { *vi } else { *en })
        .collect()
}

/// A cell a spreadsheet will not run as a formula (OWASP, "CSV
/// Injection"): one that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading apostrophe, so it is read as text. Free
/// text and ids are written by whoever signs, and a base64 hash may start
/// with `+`. The apostrophe is not part of the value.
pub(crate) fn spreadsheet_safe(cell: String) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell,
    }
}

/// One spreadsheet row.
struct Row {
    at: Timestamp,
    index: u64,
    cells: Vec<String>,
}

/// The words of an event in `lang`.
fn words(lang: Lang, en: &str, vi: &str) -> String {
    if lang == Lang::Vi { vi } else { en }.to_owned()
}

fn yes_no(lang: Lang, b: bool) -> String {
    match (b, lang) {
        (true, Lang::Vi) => "có",
        (false, Lang::Vi) => "không",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    }
    .to_owned()
}

/// What one row says before its common columns are filled in.
#[derive(Default)]
struct Cells {
    event: String,
    lot: Option<BatchId>,
    quantity: Option<Quantity>,
    inputs: String,
    from: Option<ActorId>,
    to: Option<ActorId>,
    location: Option<String>,
    contract: String,
    scheme: String,
    result: String,
    report: String,
    note: String,
    /// For an output of a transformation: its product, which its batch
    /// record also holds.
    product: Option<Product>,
}

fn rows_of(item: &Item, views: &mut TipViews<'_>, lang: Lang) -> Result<Vec<Row>, ServiceError> {
    let st = &item.statement;
    let by = Some(st.by.clone());
    let mut all: Vec<Cells> = Vec::new();
    match &st.body {
        Body::BatchCreate(b) => all.push(Cells {
            event: words(
                lang,
                "Created (harvest or production)",
                "Tạo lô (thu hoạch hoặc sản xuất)",
            ),
            lot: Some(b.batch.clone()),
            quantity: Some(b.quantity),
            from: by,
            location: Some(b.origin.place.clone()),
            product: Some(b.product.clone()),
            ..Cells::default()
        }),
        Body::Ship(s) => all.push(Cells {
            event: words(lang, "Shipped", "Gửi đi"),
            lot: Some(s.batch.clone()),
            quantity: item.moved,
            from: by,
            to: Some(s.to.clone()),
            contract: s
                .contract
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            ..Cells::default()
        }),
        Body::Receive(r) => all.push(Cells {
            event: if r.accepted {
                words(lang, "Received", "Nhận hàng")
            } else {
                words(
                    lang,
                    "Refused at receipt (back to sender)",
                    "Từ chối nhận (trả lại bên gửi)",
                )
            },
            lot: Some(r.batch.clone()),
            quantity: item.moved,
            from: item.sender.clone(),
            to: by,
            ..Cells::default()
        }),
        Body::Transform(t) => {
            let mut inputs = Vec::new();
            for i in &t.inputs {
                let unit = views.batch(&i.batch)?.map(|b| b.quantity.unit);
                inputs.push(match unit {
                    Some(u) => format!(
                        "{}: {}",
                        i.batch,
                        Quantity {
                            amount: i.amount,
                            unit: u
                        }
                    ),
                    None => format!("{}: {}", i.batch, i.amount),
                });
            }
            let inputs = inputs.join("; ");
            for o in &t.outputs {
                all.push(Cells {
                    event: words(
                        lang,
                        &format!("Transformed ({})", t.process),
                        &format!("Chế biến ({})", t.process),
                    ),
                    lot: Some(o.batch.clone()),
                    quantity: Some(o.quantity),
                    inputs: inputs.clone(),
                    from: by.clone(),
                    product: Some(o.product.clone()),
                    ..Cells::default()
                });
            }
        }
        Body::Inspect(i) => all.push(Cells {
            event: words(lang, "Inspected", "Kiểm tra"),
            lot: Some(i.batch.clone()),
            from: by,
            scheme: i.scheme.to_string(),
            result: i.result.to_string(),
            report: i.report_blake3.map(|h| h.to_string()).unwrap_or_default(),
            note: i.note.clone().unwrap_or_default(),
            ..Cells::default()
        }),
        Body::Recall(r) => all.push(Cells {
            event: words(lang, "Recalled", "Thu hồi"),
            lot: Some(r.batch.clone()),
            from: by,
            note: r.reason.clone(),
            ..Cells::default()
        }),
        _ => {}
    }
    let corrected = !item.corrections.is_empty();
    let correction = item
        .corrections
        .iter()
        .map(|c| format!("{} ({}, leaf {})", c.reason, c.by, c.index))
        .collect::<Vec<_>>()
        .join("; ");
    let mut rows = Vec::with_capacity(all.len());
    for c in all {
        let lot = match &c.lot {
            Some(id) => views.batch(id)?.cloned(),
            None => None,
        };
        let recalled = lot.as_ref().is_some_and(|b| b.recall.is_some());
        let (name, category, gtin) = match c.product.or_else(|| lot.map(|b| b.product)) {
            Some(p) => (
                p.name,
                p.category.to_string(),
                p.gtin.map(|g| g.to_string()).unwrap_or_default(),
            ),
            None => Default::default(),
        };
        let location = match c.location {
            Some(place) => place,
            None => views
                .actor(&st.by)?
                .and_then(|a| a.region.as_ref())
                .map(Region::place)
                .unwrap_or_default(),
        };
        let text = |v: Option<String>| v.unwrap_or_default();
        let cells = vec![
            epcis::local_time(&st.at),
            c.event,
            st.body.type_name().to_owned(),
            text(c.lot.map(|b| b.to_string())),
            name,
            category,
            gtin,
            text(c.quantity.map(|q| q.amount.to_string())),
            text(c.quantity.map(|q| q.unit.as_str().to_owned())),
            c.inputs,
            text(c.from.as_ref().map(ToString::to_string)),
            views.public_name(c.from.as_ref())?,
            text(c.to.as_ref().map(ToString::to_string)),
            views.public_name(c.to.as_ref())?,
            st.by.to_string(),
            location,
            c.contract,
            c.scheme,
            c.result,
            c.report,
            c.note,
            item.index.to_string(),
            item.leaf_hash.clone(),
            item.entry_id.clone(),
            yes_no(lang, recalled),
            yes_no(lang, corrected),
            correction.clone(),
        ];
        rows.push(Row {
            at: st.at,
            index: item.index,
            cells,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_cells_never_start_a_formula() {
        for (cell, safe) in [
            (
                "=HYPERLINK(\"http://x.vn\")",
                "'=HYPERLINK(\"http://x.vn\")",
            ),
            ("+84 912 345 678", "'+84 912 345 678"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("Gạo ST25", "Gạo ST25"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell.to_owned()), safe);
        }
    }
}
