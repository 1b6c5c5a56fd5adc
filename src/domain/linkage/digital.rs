//! Digital transformation (spec §9.7): the share of registered cooperatives,
//! and of all collective organisations, that signed at least one statement
//! with their own key in the period, against the province plan's target.
//!
//! The target's only source is issue 15's words, "the 100% target of the
//! province plan": they give no year and no document number, so the
//! default [`DigitalTarget`] has no year, and none is made up here;
//! `--target digital:YEAR=SHARE` sets one with a year.

use super::Target;
use serde::{Deserialize, Serialize};

/// The digital transformation target: a share, with the plan's year when
/// one is set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigitalTarget {
    /// The plan's year, when one is set (`--target digital:YEAR=SHARE`);
    /// the default names none, as its source does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// The share to reach, 0..=1.
    pub share: f64,
}

impl DigitalTarget {
    /// The default: 100%, no year ("the 100% target of the province plan",
    /// issue 15; no year or decision number is given there).
    pub const DEFAULT: DigitalTarget = DigitalTarget {
        year: None,
        share: 1.0,
    };
}

impl From<Target> for DigitalTarget {
    fn from(t: Target) -> Self {
        Self {
            year: Some(t.year),
            share: t.share,
        }
    }
}

/// The default list of digital targets.
pub(super) fn default_targets() -> Vec<DigitalTarget> {
    vec![DigitalTarget::DEFAULT]
}

/// How far the digital figure is from one target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigitalProgress {
    /// The target's year, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// The share to reach.
    pub target: f64,
    /// How much share is missing (0 when met).
    pub gap: f64,
    /// How many more organisations must sign to meet it.
    pub needed: u64,
    /// True when the share reaches the target.
    pub met: bool,
}

/// Registered organisations and those that signed in the period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DigitalFigure {
    /// Registered (as for the linkage figures, spec §9.2 and §9.3).
    pub registered: u64,
    /// Those that signed at least one statement with their own key in the
    /// period.
    pub signed: u64,
    /// `signed / registered` (0 when none is registered).
    pub share: f64,
    /// Against each target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub progress: Vec<DigitalProgress>,
}

impl DigitalFigure {
    pub(super) fn new(registered: u64, signed: u64, targets: &[DigitalTarget]) -> Self {
        let share = super::report::share(signed, registered);
        let progress = targets
            .iter()
            .map(|g| {
                let (gap, needed, met) = super::report::reach(registered, signed, share, g.share);
                DigitalProgress {
                    year: g.year,
                    target: g.share,
                    gap,
                    needed,
                    met,
                }
            })
            .collect();
        Self {
            registered,
            signed,
            share,
            progress,
        }
    }
}

/// The digital figure for cooperatives and for all collective
/// organisations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Digital {
    /// Cooperatives.
    pub cooperatives: DigitalFigure,
    /// Cooperatives, cooperative groups and unions.
    pub collective: DigitalFigure,
}
