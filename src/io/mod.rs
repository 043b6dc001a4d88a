//! Reading model directories (CSV + TOML), on disk or embedded. Writing
//! results lives in [`crate::report::files`].

pub mod load;
pub mod settings;
pub mod source;
pub mod table;
