//! rareflow's integration tests, one binary: the hand-solved tiny model,
//! one fixture per class of bad input (through the real CLI), properties
//! that any correct plan must have, and the documentation of the schema.

mod builds;
mod buyers;
mod calibration;
mod candidates;
mod cli;
mod common;
mod conflicts;
mod contracts;
mod corpus;
mod curves;
mod defence;
mod diff;
mod docs;
mod end_of_life;
mod errors;
mod explain;
mod export;
mod future_measures;
mod futures;
mod fuzz;
mod global;
mod habits;
mod hostile;
mod html;
mod invest;
mod light_separation;
mod loader;
mod near;
mod numbers;
mod origins;
mod output;
mod preferences;
mod production_credit;
mod properties;
mod reserves;
mod scenarios;
mod scope;
mod stocks;
mod stress;
mod swarf;
mod sweep;
mod tiny;
mod warm;
