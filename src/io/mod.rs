//! Reading model directories (CSV + TOML), on disk or embedded, and the
//! scenarios that override their tables. Writing results lives in
//! [`crate::report::files`].

pub mod load;
pub mod scenario;
pub mod settings;
pub mod source;
pub mod table;
