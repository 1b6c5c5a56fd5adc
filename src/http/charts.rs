//! Chart geometry of the linkage dashboard (`GET /linkage`): pure functions
//! from a [`LinkageReport`]'s figures to bar widths, points and labels, in
//! the user units of an SVG `viewBox` [`WIDTH`] wide. The markup is in
//! `web/templates/linkage.html`; nothing here knows HTML, and nothing here
//! reads a clock or the ledger.
//!
//! Four charts: the share of cooperatives linked in the twelve months to
//! each month's end, with the target lines ([`months`]), the share linked per row as horizontal bars
//! ([`bars`], used for categories and, through [`provinces`], for provinces
//! with a cap on the rows shown), and each figure's progress towards each
//! target ([`progress`]). The numbers are written by
//! [`super::format::NumberFormat`].
//!
//! [`LinkageReport`]: crate::domain::linkage::LinkageReport

use super::format::NumberFormat;
use crate::domain::linkage::{Figure, Progress, ProvinceRow, Target, TwelveMonths};

/// Width of every chart's `viewBox`; the page scales it to the screen.
pub const WIDTH: f64 = 320.0;

/// Most provinces the province chart draws (Vietnam has 34 provinces and
/// cities); the others are counted in a note and listed in the table.
pub const MAX_PROVINCE_BARS: usize = 34;

/// Longest row label a bar chart draws before cutting it with `…` (the
/// whole name is in the row's tooltip and in the table).
pub const MAX_LABEL_CHARS: usize = 30;

/// Most month labels under the month chart (every k-th month is named).
const MAX_MONTH_LABELS: usize = 6;

/// Month chart: height and plot area.
const LINE_HEIGHT: f64 = 190.0;
const LINE_LEFT: f64 = 36.0;
/// The plot ends left of a margin that holds the target labels.
const LINE_RIGHT: f64 = WIDTH - 60.0;
/// Where the target labels start, right of the plot.
pub const TARGET_LABEL_X: f64 = LINE_RIGHT + 4.0;
/// The least distance between two target labels' baselines.
const TARGET_LABEL_GAP: f64 = 11.0;
const LINE_TOP: f64 = 10.0;
const LINE_BOTTOM: f64 = LINE_HEIGHT - 24.0;

/// Bar charts: the strip on top for target labels, and one row per bar
/// (a label line, then the bar).
const BAR_TOP: f64 = 16.0;
const BAR_ROW: f64 = 32.0;
const BAR_THICK: f64 = 11.0;

/// Progress chart: one row per figure and target.
const PROGRESS_ROW: f64 = 50.0;
const PROGRESS_THICK: f64 = 14.0;

/// Rounds a coordinate to a tenth of a unit, so the markup stays short.
fn c(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A horizontal line across the month chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Its height.
    pub y: f64,
    /// Its label (`50%`).
    pub label: String,
}

/// A target drawn across a chart: horizontal in the month chart, vertical
/// in the bar charts.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetLine {
    /// Where it crosses: `y` in the month chart, `x` in a bar chart.
    pub at: f64,
    /// Where its label sits across the line (month chart: `x`; bar chart:
    /// the label's anchor `x`, kept inside the chart).
    pub label_at: f64,
    /// `start`, `middle` or `end`: the label's SVG `text-anchor`.
    pub anchor: &'static str,
    /// The target's year.
    pub year: u16,
    /// `2030: 60%`.
    pub label: String,
}

/// One month of the month chart that has a share (a month with nobody
/// registered has no point: the line breaks there).
#[derive(Clone, Debug, PartialEq)]
pub struct MonthPoint {
    /// Centre.
    pub x: f64,
    /// Centre.
    pub y: f64,
    /// `YYYY-MM`.
    pub month: String,
    /// The share linked in the twelve months to the month's end.
    pub share: f64,
    /// `linked/registered · share`.
    pub text: String,
    /// True when the month ends before its last day (the period's end).
    pub partial: bool,
}

/// A month named under the month chart.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisLabel {
    /// Centre.
    pub x: f64,
    /// `MM/YYYY`, with `*` for a partial month.
    pub text: String,
}

/// A month without data, marked on the floor of the month chart.
#[derive(Clone, Debug, PartialEq)]
pub struct GapMark {
    /// Centre.
    pub x: f64,
    /// `YYYY-MM`.
    pub month: String,
}

/// The share of cooperatives linked in the twelve months to each month's
/// end, against the targets.
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    /// `viewBox` height.
    pub height: f64,
    /// Left end of the plot (rules start here).
    pub left: f64,
    /// Where the rules' labels end, left of the plot.
    pub axis_x: f64,
    /// Right end of the plot.
    pub right: f64,
    /// The `points` attributes of the polylines: one per run of months
    /// with data, so a month without data is a gap in the line.
    pub segments: Vec<String>,
    /// One per month with data, in order.
    pub points: Vec<MonthPoint>,
    /// The months without data.
    pub gaps: Vec<GapMark>,
    /// Where the gap marks sit.
    pub gap_y: f64,
    /// Rules at 0, 25, 50, 75 and 100%.
    pub rules: Vec<Rule>,
    /// Months named on the axis.
    pub labels: Vec<AxisLabel>,
    /// One line per target; its label is in the right margin, outside the
    /// plot, so the line never crosses it.
    pub targets: Vec<TargetLine>,
    /// Where the axis labels sit.
    pub label_y: f64,
}

fn line_y(share: f64) -> f64 {
    c(LINE_BOTTOM - share.clamp(0.0, 1.0) * (LINE_BOTTOM - LINE_TOP))
}

/// `YYYY-MM` as `MM/YYYY`.
fn month_text(month: &str) -> String {
    match month.split_once('-') {
        Some((y, m)) => format!("{m}/{y}"),
        None => month.to_owned(),
    }
}

/// The month chart of the cooperatives' twelve-month share, with one
/// horizontal line per target. Months without data are gaps, a partial
/// month is marked, and the target labels sit right of the plot, pushed
/// apart when two targets are close.
pub fn months(rows: &[TwelveMonths], targets: &[Target], fmt: &NumberFormat) -> LineChart {
    let n = rows.len();
    let step = if n > 1 {
        (LINE_RIGHT - LINE_LEFT) / (n - 1) as f64
    } else {
        0.0
    };
    let x_of = |i: usize| {
        if n > 1 {
            c(LINE_LEFT + step * i as f64)
        } else {
            c((LINE_LEFT + LINE_RIGHT) / 2.0)
        }
    };
    let mut points = Vec::new();
    let mut gaps = Vec::new();
    let mut segments = Vec::new();
    let mut run: Vec<String> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if r.is_empty() {
            gaps.push(GapMark {
                x: x_of(i),
                month: r.month.clone(),
            });
            if !run.is_empty() {
                segments.push(run.join(" "));
                run.clear();
            }
            continue;
        }
        let p = MonthPoint {
            x: x_of(i),
            y: line_y(r.cooperatives.share),
            month: r.month.clone(),
            share: r.cooperatives.share,
            text: fmt.ratio(&r.cooperatives),
            partial: r.partial,
        };
        run.push(format!("{},{}", p.x, p.y));
        points.push(p);
    }
    if !run.is_empty() {
        segments.push(run.join(" "));
    }
    let every = n.div_ceil(MAX_MONTH_LABELS).max(1);
    let labels = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| i.is_multiple_of(every) || (rows[*i].partial && *i + 1 == n))
        .map(|(i, r)| AxisLabel {
            x: x_of(i),
            text: if r.partial {
                format!("{}*", month_text(&r.month))
            } else {
                month_text(&r.month)
            },
        })
        .collect();
    let rules = [0.0, 0.25, 0.5, 0.75, 1.0]
        .into_iter()
        .map(|s| Rule {
            y: line_y(s),
            label: fmt.percent(s),
        })
        .collect();
    let mut targets: Vec<TargetLine> = targets
        .iter()
        .map(|t| TargetLine {
            at: line_y(t.share),
            label_at: line_y(t.share) + 3.5,
            anchor: "start",
            year: t.year,
            label: format!("{}: {}", t.year, fmt.percent(t.share)),
        })
        .collect();
    // Labels at least one line apart, from the top down (the targets stay
    // in the plans' order).
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_by(|a, b| targets[*a].at.total_cmp(&targets[*b].at));
    let mut floor = f64::MIN;
    for i in order {
        let t = &mut targets[i];
        t.label_at = c(t.label_at.max(floor + TARGET_LABEL_GAP));
        floor = t.label_at;
    }
    LineChart {
        height: LINE_HEIGHT,
        left: LINE_LEFT,
        axis_x: LINE_LEFT - 4.0,
        right: LINE_RIGHT,
        segments,
        points,
        gaps,
        gap_y: LINE_BOTTOM - 4.0,
        rules,
        labels,
        targets,
        label_y: LINE_HEIGHT - 8.0,
    }
}

/// One row of a bar chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The label drawn (cut to [`MAX_LABEL_CHARS`]).
    pub label: String,
    /// The whole label (tooltip).
    pub name: String,
    /// Baseline of the label line.
    pub text_y: f64,
    /// Top of the bar.
    pub bar_y: f64,
    /// Width of the filled part.
    pub width: f64,
    /// `linked/registered · share`.
    pub value: String,
    /// The share.
    pub share: f64,
}

/// Horizontal bars, one per row, with the targets as vertical lines.
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    /// `viewBox` height.
    pub height: f64,
    /// Bar thickness.
    pub thick: f64,
    /// The rows drawn.
    pub bars: Vec<Bar>,
    /// One vertical line per target.
    pub targets: Vec<TargetLine>,
    /// Rows not drawn (see [`provinces`]).
    pub hidden: usize,
}

/// Cuts `s` to `max` characters, ending with `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A bar chart of the rows' shares (`rows`: label and figure, in the order
/// drawn).
pub fn bars(rows: &[(String, &Figure)], targets: &[Target], fmt: &NumberFormat) -> BarChart {
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(i, (name, f))| {
            let top = BAR_TOP + BAR_ROW * i as f64;
            Bar {
                label: cut(name, MAX_LABEL_CHARS),
                name: name.clone(),
                text_y: c(top + 12.0),
                bar_y: c(top + 16.0),
                width: c(f.share.clamp(0.0, 1.0) * WIDTH),
                value: fmt.ratio(f),
                share: f.share,
            }
        })
        .collect();
    let targets = targets
        .iter()
        .map(|t| {
            let at = c(t.share.clamp(0.0, 1.0) * WIDTH);
            // The label sits on the line, pushed inside at the edges.
            let (label_at, anchor) = if at < 30.0 {
                (at, "start")
            } else if at > WIDTH - 30.0 {
                (at, "end")
            } else {
                (at, "middle")
            };
            TargetLine {
                at,
                label_at,
                anchor,
                year: t.year,
                label: format!("{}: {}", t.year, fmt.percent(t.share)),
            }
        })
        .collect();
    BarChart {
        height: c(BAR_TOP + BAR_ROW * bars.len() as f64 + 4.0),
        thick: BAR_THICK,
        bars,
        targets,
        hidden: 0,
    }
}

/// The province chart: the [`MAX_PROVINCE_BARS`] provinces with the most
/// cooperatives registered (ties by name), drawn by share, highest first;
/// [`BarChart::hidden`] counts the others.
pub fn provinces(rows: &[ProvinceRow], targets: &[Target], fmt: &NumberFormat) -> BarChart {
    let mut chosen: Vec<&ProvinceRow> = rows.iter().collect();
    chosen.sort_by(|a, b| {
        b.cooperatives
            .registered
            .cmp(&a.cooperatives.registered)
            .then_with(|| b.collective.registered.cmp(&a.collective.registered))
            .then_with(|| a.province.cmp(&b.province))
    });
    let hidden = chosen.len().saturating_sub(MAX_PROVINCE_BARS);
    chosen.truncate(MAX_PROVINCE_BARS);
    chosen.sort_by(|a, b| {
        b.cooperatives
            .share
            .total_cmp(&a.cooperatives.share)
            .then_with(|| b.cooperatives.registered.cmp(&a.cooperatives.registered))
            .then_with(|| a.province.cmp(&b.province))
    });
    let rows: Vec<(String, &Figure)> = chosen
        .iter()
        .map(|p| (p.province.clone(), &p.cooperatives))
        .collect();
    BarChart {
        hidden,
        ..bars(&rows, targets, fmt)
    }
}

/// One figure against one target.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressBar {
    /// Which figure (`Hợp tác xã`).
    pub label: String,
    /// The target's year.
    pub year: u16,
    /// Baseline of the label line.
    pub text_y: f64,
    /// Top of the bar.
    pub bar_y: f64,
    /// Baseline of the note under the bar.
    pub note_y: f64,
    /// Width of the part reached.
    pub reached: f64,
    /// Where the target is.
    pub target_x: f64,
    /// Width of the gap from the share to the target (0 when met).
    pub gap: f64,
    /// The share now.
    pub share: f64,
    /// `40%`.
    pub share_text: String,
    /// `60%`.
    pub target_text: String,
    /// Whether the target is met.
    pub met: bool,
    /// How many more organisations must be linked.
    pub needed: u64,
    /// What the caller says under the bar (met, or the gap and how many
    /// more are needed).
    pub note: String,
}

/// Each figure's progress towards each of its targets.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressChart {
    /// `viewBox` height.
    pub height: f64,
    /// Bar thickness.
    pub thick: f64,
    /// One bar per figure and target.
    pub bars: Vec<ProgressBar>,
}

/// Progress bars of each figure (`rows`: label and figure) against each of
/// its targets; `note` words the line under each bar.
pub fn progress(
    rows: &[(String, &Figure)],
    fmt: &NumberFormat,
    note: impl Fn(&Progress) -> String,
) -> ProgressChart {
    let mut out = Vec::new();
    for (label, f) in rows {
        for p in &f.progress {
            let top = PROGRESS_ROW * out.len() as f64;
            let reached = c(f.share.clamp(0.0, 1.0) * WIDTH);
            let target_x = c(p.target.clamp(0.0, 1.0) * WIDTH);
            out.push(ProgressBar {
                label: label.clone(),
                year: p.year,
                text_y: c(top + 12.0),
                bar_y: c(top + 17.0),
                note_y: c(top + 17.0 + PROGRESS_THICK + 12.0),
                reached,
                target_x,
                gap: if p.met {
                    0.0
                } else {
                    c((target_x - reached).max(0.0))
                },
                share: f.share,
                share_text: fmt.percent(f.share),
                target_text: fmt.percent(p.target),
                met: p.met,
                needed: p.needed,
                note: note(p),
            });
        }
    }
    ProgressChart {
        height: c(PROGRESS_ROW * out.len() as f64 + 2.0),
        thick: PROGRESS_THICK,
        bars: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::linkage::Targets;
    use crate::domain::time::Day;

    const VI: NumberFormat = NumberFormat {
        decimal: ',',
        thousands: '.',
    };
    const EN: NumberFormat = NumberFormat {
        decimal: '.',
        thousands: ',',
    };

    fn figure(registered: u64, linked: u64) -> Figure {
        let share = if registered == 0 {
            0.0
        } else {
            ((linked as f64 / registered as f64) * 1e6).round() / 1e6
        };
        Figure {
            registered,
            linked,
            share,
            by_contract: linked,
            by_shipment: 0,
            progress: Vec::new(),
        }
    }

    /// Month `m` of 2026, its window ending on the month's 28th.
    fn month(m: u32, f: Figure) -> TwelveMonths {
        let day = |s: String| Day::parse(&s).expect("day");
        TwelveMonths {
            month: format!("2026-{m:02}"),
            from: day(format!("2025-{:02}-01", m)),
            to: day(format!("2026-{m:02}-28")),
            partial: false,
            cooperatives: f.clone(),
            collective: f,
        }
    }

    fn province(name: &str, registered: u64, linked: u64) -> ProvinceRow {
        ProvinceRow {
            province: name.into(),
            cooperatives: figure(registered, linked),
            collective: figure(registered, linked),
            digital: Default::default(),
        }
    }

    #[test]
    fn numbers_are_written_the_way_each_language_writes_them() {
        assert_eq!(VI.percent(0.6), "60%");
        assert_eq!(EN.percent(0.6), "60%");
        assert_eq!(VI.percent(0.333333), "33,3%");
        assert_eq!(EN.percent(0.333333), "33.3%");
        assert_eq!(VI.percent(1.0), "100%");
        assert_eq!(VI.percent(0.0), "0%");
        assert_eq!(VI.count(1_234_567), "1.234.567");
        assert_eq!(EN.count(999), "999");
        assert_eq!(EN.count(1000), "1,000");
        assert_eq!(VI.decimal("1250.5"), "1.250,5");
        assert_eq!(EN.decimal("1250.125"), "1,250.125");
        assert_eq!(EN.decimal("12"), "12");
        assert_eq!(EN.decimal("n/a"), "n/a");
        assert_eq!(VI.ratio(&figure(5, 3)), "3/5 · 60%");
    }

    #[test]
    fn a_bar_is_as_long_as_its_share_of_the_chart() {
        let (a, b) = (figure(5, 3), figure(4, 0));
        let chart = bars(
            &[("Lúa gạo".into(), &a), ("Trái cây".into(), &b)],
            &Targets::default().cooperatives,
            &VI,
        );
        assert_eq!(chart.bars.len(), 2);
        assert_eq!(chart.bars[0].width, 192.0, "60% of 320");
        assert_eq!(chart.bars[1].width, 0.0);
        assert!(chart.bars[1].bar_y > chart.bars[0].bar_y, "one row each");
        assert!(chart.height >= chart.bars[1].bar_y + chart.thick);
        let lines: Vec<(f64, &str)> = chart
            .targets
            .iter()
            .map(|t| (t.at, t.label.as_str()))
            .collect();
        assert_eq!(lines, [(192.0, "2030: 60%"), (272.0, "2045: 85%")]);
    }

    #[test]
    fn a_long_label_is_cut_and_kept_whole_in_the_tooltip() {
        let f = figure(1, 1);
        let long = "Tỉnh có một cái tên rất rất dài để thử xem biểu đồ".to_owned();
        let chart = bars(&[(long.clone(), &f)], &[], &EN);
        assert_eq!(chart.bars[0].label.chars().count(), MAX_LABEL_CHARS);
        assert!(chart.bars[0].label.ends_with('…'));
        assert_eq!(chart.bars[0].name, long);
    }

    #[test]
    fn the_province_chart_keeps_the_largest_provinces_and_ranks_them_by_share() {
        let mut rows: Vec<ProvinceRow> = (0..40)
            .map(|i| province(&format!("Tỉnh {i:02}"), 1, 0))
            .collect();
        rows.push(province("Sóc Trăng", 10, 3));
        rows.push(province("Bắc Giang", 8, 6));
        let chart = provinces(&rows, &Targets::default().cooperatives, &VI);
        assert_eq!(chart.bars.len(), MAX_PROVINCE_BARS);
        assert_eq!(chart.hidden, 42 - MAX_PROVINCE_BARS);
        assert_eq!(chart.bars[0].name, "Bắc Giang", "75% first");
        assert_eq!(chart.bars[1].name, "Sóc Trăng", "30% next");
        assert_eq!(chart.bars[2].name, "Tỉnh 00", "then by name");
        assert_eq!(
            chart.bars[33].name, "Tỉnh 31",
            "the 8 last by name are left out"
        );
    }

    #[test]
    fn the_month_chart_has_a_point_per_month_and_a_line_per_target() {
        let rows: Vec<TwelveMonths> = [(4, 0), (4, 1), (5, 2), (5, 5)]
            .iter()
            .enumerate()
            .map(|(i, (r, l))| month(i as u32 + 1, figure(*r, *l)))
            .collect();
        let chart = months(&rows, &Targets::default().cooperatives, &EN);
        assert_eq!(chart.points.len(), 4);
        assert_eq!(chart.points[0].y, LINE_BOTTOM, "0% on the floor");
        assert_eq!(chart.points[3].y, LINE_TOP, "100% at the top");
        assert_eq!(chart.points[0].x, LINE_LEFT);
        assert_eq!(chart.points[3].x, LINE_RIGHT);
        assert!(chart.points[1].y > chart.points[2].y, "25% below 40%");
        assert_eq!(chart.segments.len(), 1);
        assert_eq!(chart.segments[0].split(' ').count(), 4);
        assert_eq!(chart.points[2].text, "2/5 · 40%");
        assert_eq!(chart.labels[0].text, "01/2026");
        let t: Vec<&str> = chart.targets.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(t, ["2030: 60%", "2045: 85%"]);
        assert!(chart.targets[1].at < chart.targets[0].at, "85% above 60%");
        assert_eq!(chart.rules.len(), 5);
        for t in &chart.targets {
            assert!(
                TARGET_LABEL_X > chart.right,
                "issue 15: the label is outside the plot"
            );
            assert!(t.label_at > t.at, "{t:?} under its line");
        }
        assert!(chart.targets[0].label_at - chart.targets[1].label_at >= TARGET_LABEL_GAP);
    }

    /// Issue 15: a month with nobody registered is a gap in the line, not a
    /// point at 0%; a partial month is marked on the axis and its point.
    #[test]
    fn an_empty_month_is_a_gap_and_a_partial_month_is_marked() {
        let mut rows: Vec<TwelveMonths> = [(0, 0), (5, 1), (0, 0), (5, 2), (5, 2)]
            .iter()
            .enumerate()
            .map(|(i, (r, l))| month(i as u32 + 1, figure(*r, *l)))
            .collect();
        rows[4].partial = true;
        let chart = months(&rows, &[], &VI);
        let drawn: Vec<&str> = chart.points.iter().map(|p| p.month.as_str()).collect();
        assert_eq!(drawn, ["2026-02", "2026-04", "2026-05"]);
        let gaps: Vec<&str> = chart.gaps.iter().map(|g| g.month.as_str()).collect();
        assert_eq!(gaps, ["2026-01", "2026-03"]);
        assert_eq!(chart.segments.len(), 2, "the line breaks at March");
        assert_eq!(chart.segments[1].split(' ').count(), 2);
        assert!(chart.points[2].partial && !chart.points[1].partial);
        assert_eq!(
            chart.labels.last().map(|l| l.text.as_str()),
            Some("05/2026*")
        );
        // Two targets one point apart get labels a line apart.
        let close = [
            Target {
                year: 2030,
                share: 0.60,
            },
            Target {
                year: 2031,
                share: 0.61,
            },
        ];
        let chart = months(&rows, &close, &VI);
        assert!(chart.targets[0].label_at - chart.targets[1].label_at >= TARGET_LABEL_GAP);
    }

    #[test]
    fn a_long_period_names_at_most_six_months() {
        let rows: Vec<TwelveMonths> = (0..36)
            .map(|i| {
                let mut m = month(1, figure(1, 0));
                m.month = format!("{}-{:02}", 2024 + i / 12, i % 12 + 1);
                m
            })
            .collect();
        let chart = months(&rows, &[], &VI);
        assert_eq!(chart.points.len(), 36);
        assert!(chart.labels.len() <= MAX_MONTH_LABELS, "{:?}", chart.labels);
        let one = months(&rows[..1], &[], &VI);
        assert_eq!(one.points[0].x, c((LINE_LEFT + LINE_RIGHT) / 2.0));
    }

    #[test]
    fn progress_shows_the_gap_to_each_target_and_how_many_more_are_needed() {
        let mut f = figure(5, 2);
        f.progress = vec![
            Progress {
                year: 2030,
                target: 0.6,
                gap: 0.2,
                needed: 1,
                met: false,
            },
            Progress {
                year: 2045,
                target: 0.3,
                gap: 0.0,
                needed: 0,
                met: true,
            },
        ];
        let chart = progress(&[("HTX".into(), &f)], &VI, |p| {
            format!("{} {}", p.year, p.needed)
        });
        let rows = &chart.bars;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].reached, 128.0, "40% of 320");
        assert_eq!(rows[0].target_x, 192.0);
        assert_eq!(rows[0].gap, 64.0, "from 40% to 60%");
        assert_eq!((rows[0].needed, rows[0].note.as_str()), (1, "2030 1"));
        assert_eq!(rows[1].gap, 0.0, "met: no gap");
        assert!(rows[1].met);
        assert!(chart.height >= rows[1].note_y);
        assert_eq!(rows[0].share_text, "40%");
        assert_eq!(rows[0].target_text, "60%");
    }
}
