//! Export controls: the flows leaving a control's exporters for its
//! destinations, in its goods, stay under its cap in every period it
//! applies to (0 = a ban).
//!
//! The dual of a cap row is the value of one more tonne of quota.

use super::keys::RowKey;
use super::lanes::FlowIndex;
use super::lp::{Lp, Sense};
use super::origins::{self, Layout, OriginIndex, PartsView};
use crate::model::{ExportControl, Model, PeriodId};
use crate::network::{LaneId, Network};
use crate::plan::{CapUse, Checker, Plan};
use crate::solver::{Col, Row, Session};

/// An export-control row.
#[derive(Debug, Clone, Copy)]
pub struct CapRow {
    /// Index into `model.export_controls`.
    pub control: usize,
    /// The period.
    pub period: PeriodId,
    /// The row.
    pub row: Row,
}

/// Export-control rows and the lanes each control covers.
#[derive(Debug, Clone, Default)]
pub struct CapIndex {
    /// Lanes matched by each export control (same order as
    /// `model.export_controls`).
    pub lanes: Vec<Vec<LaneId>>,
    /// One per control and period it applies to.
    pub rows: Vec<CapRow>,
}

/// One row per export control and period it applies to.
pub(super) fn add_rows(
    lp: &mut Lp,
    flows: &FlowIndex,
    origins: &OriginIndex,
    model: &Model,
    network: &Network,
) -> CapIndex {
    let lanes: Vec<Vec<LaneId>> = model
        .export_controls
        .iter()
        .map(|ec| matching_lanes(model, network, ec))
        .collect();
    let mut rows = Vec::new();
    for (control, ec) in model.export_controls.iter().enumerate() {
        for period in model.period_ids().filter(|&t| ec.periods.contains(t)) {
            let terms: Vec<(Col, f64)> = origins::control_terms(
                origins,
                model,
                network,
                flows,
                control,
                &lanes[control],
                period,
            )
            .unwrap_or_else(|| {
                lanes[control]
                    .iter()
                    .flat_map(|&l| flows.cols(l, period))
                    .map(|&c| (c, 1.0))
                    .collect()
            });
            let row = lp.row(
                RowKey::ExportCap { control, period },
                &terms,
                Sense::Le,
                ec.cap,
            );
            rows.push(CapRow {
                control,
                period,
                row,
            });
        }
    }
    CapIndex { lanes, rows }
}

/// Lanes that an export control covers: they cross a border from one of its
/// exporters to one of its destinations, carrying one of its goods.
pub fn matching_lanes(model: &Model, network: &Network, ec: &ExportControl) -> Vec<LaneId> {
    network
        .lanes()
        .iter()
        .enumerate()
        .filter(|(_, lane)| {
            let from = model.facilities[lane.from.0].country;
            let to = model.endpoint_country(lane.to);
            from != to
                && ec.exporter.contains(from)
                && ec.destination.contains(to)
                && ec.goods.contains(lane.commodity)
        })
        .map(|(l, _)| LaneId(l))
        .collect()
}

/// Reads each cap's use and shadow price.
pub(super) fn read(
    ix: &CapIndex,
    layout: &Layout,
    model: &Model,
    network: &Network,
    s: &Session,
    plan: &mut Plan,
) {
    let view = PartsView::new(layout, network, plan);
    let caps = ix
        .rows
        .iter()
        .map(|r| CapUse {
            control: r.control,
            period: r.period,
            used: view.control_use(model, r.control, &ix.lanes[r.control], r.period),
            cap: model.export_controls[r.control].cap,
            shadow_price: (-s.dual(r.row) / model.period_weight(r.period)).max(0.0),
        })
        .collect();
    plan.caps = caps;
}

/// Every cap holds in every period it applies to: on direct shipments, on
/// what they deliver to the control's end use, or on every tonne of the
/// exporters' origin reaching the demand it covers.
pub(super) fn check(model: &Model, view: &PartsView, ck: &mut Checker) {
    let network = view.network;
    for (control, ec) in model.export_controls.iter().enumerate() {
        let lanes = matching_lanes(model, network, ec);
        for t in model.period_ids().filter(|&t| ec.periods.contains(t)) {
            let used = view.control_use(model, control, &lanes, t);
            ck.bounds(used, 0.0, Some(ec.cap), || {
                format!("export control {} in {}", ec.id, model.periods[t.0].label)
            });
        }
    }
}
