//! The plans' targets a linkage report is measured against (spec §9): a
//! share to reach by a year, for cooperatives and for all collective
//! organisations, with the defaults of §9 and the `--target` form.

use super::MAX_TARGETS;
use super::digital::DigitalTarget;
use serde::{Deserialize, Serialize};

/// One figure's target: a share to reach by a year.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The year of the plan.
    pub year: u16,
    /// The share to reach, 0..=1.
    pub share: f64,
}

impl Target {
    /// Parses `YEAR=SHARE`, the share as a fraction (`0.6`) or a percentage
    /// (`60%`).
    pub fn parse(s: &str) -> Option<Self> {
        let (year, share) = s.split_once('=')?;
        let year: u16 = year.trim().parse().ok()?;
        let share = share.trim();
        let share = match share.strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().ok()? / 100.0,
            None => share.parse::<f64>().ok()?,
        };
        ((2000..=2100).contains(&year) && (0.0..=1.0).contains(&share))
            .then_some(Self { year, share })
    }
}

/// The targets the figures are compared with (spec §9).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    /// For cooperatives linked with businesses.
    pub cooperatives: Vec<Target>,
    /// For all collective economic organisations.
    pub collective: Vec<Target>,
    /// For digital transformation (spec §9.7), of both groups.
    #[serde(default = "super::digital::default_targets")]
    pub digital: Vec<DigitalTarget>,
}

impl Default for Targets {
    /// The plans' figures: more than 60% of cooperatives by 2030 and 85% by
    /// 2045 (province plan); at least 55% of collective economic
    /// organisations by 2030 and 80% by 2045 (city programme); 100% for
    /// digital transformation, with no year (province plan, as issue 15
    /// quotes it, naming no year).
    fn default() -> Self {
        Self {
            cooperatives: vec![
                Target {
                    year: 2030,
                    share: 0.60,
                },
                Target {
                    year: 2045,
                    share: 0.85,
                },
            ],
            collective: vec![
                Target {
                    year: 2030,
                    share: 0.55,
                },
                Target {
                    year: 2045,
                    share: 0.80,
                },
            ],
            digital: super::digital::default_targets(),
        }
    }
}

impl Targets {
    /// Sets one target from `GROUP:YEAR=SHARE` (`cooperatives:2030=0.6`,
    /// `collective:2045=80%`, `digital:2030=100%`), replacing the group's
    /// target for that year; a digital target with a year also replaces
    /// the default one without a year.
    pub fn set(&mut self, spec: &str) -> Result<(), String> {
        let bad = || {
            format!(
                "{spec:?}: a target is GROUP:YEAR=SHARE, GROUP cooperatives, collective or digital, SHARE 0..1 or a percentage"
            )
        };
        let (group, rest) = spec.split_once(':').ok_or_else(bad)?;
        let target = Target::parse(rest).ok_or_else(bad)?;
        if group.trim() == "digital" {
            let list = &mut self.digital;
            list.retain(|t| t.year.is_some_and(|y| y != target.year));
            if list.len() >= MAX_TARGETS {
                return Err(format!("at most {MAX_TARGETS} targets per group"));
            }
            list.push(target.into());
            list.sort_by_key(|t| t.year);
            return Ok(());
        }
        let list = match group.trim() {
            "cooperatives" => &mut self.cooperatives,
            "collective" => &mut self.collective,
            _ => return Err(bad()),
        };
        list.retain(|t| t.year != target.year);
        if list.len() >= MAX_TARGETS {
            return Err(format!("at most {MAX_TARGETS} targets per group"));
        }
        list.push(target);
        list.sort_by_key(|t| t.year);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_as_fractions_or_percentages() {
        assert_eq!(
            Target::parse("2030=60%"),
            Some(Target {
                year: 2030,
                share: 0.6
            })
        );
        assert_eq!(Target::parse("2045=0.85").map(|t| t.share), Some(0.85));
        assert_eq!(Target::parse("2045=1.5"), None);
        assert_eq!(Target::parse("2045"), None);
        assert_eq!(Target::parse("year=0.5"), None);
    }

    /// Issue 15: the digital target is 100% with no year until one is set.
    #[test]
    fn the_digital_target_has_a_year_only_when_one_is_given() {
        let mut t = Targets::default();
        assert_eq!(t.digital, [DigitalTarget::DEFAULT]);
        t.set("digital:2030=100%").expect("set");
        assert_eq!(
            t.digital,
            [DigitalTarget {
                year: Some(2030),
                share: 1.0
            }]
        );
        t.set("digital:2025=0.8").expect("set");
        assert_eq!(
            t.digital.iter().map(|d| d.year).collect::<Vec<_>>(),
            [Some(2025), Some(2030)]
        );
        assert!(t.set("digital:100%").is_err());
        let old: Targets =
            serde_json::from_str(r#"{"cooperatives":[],"collective":[]}"#).expect("old");
        assert_eq!(old.digital, [DigitalTarget::DEFAULT]);
    }
}
