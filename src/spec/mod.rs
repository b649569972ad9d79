//! Dialect specs: one API's documented contract, loaded from `specs/NAME/`.

mod load;
mod merge;
mod messages;
mod model;
mod outcome;
mod schema;
mod validate;

pub use load::{LoadedDialect, available_dialects, load_dialect, load_dialects};
pub use merge::deep_merge;
pub use model::*;
pub use outcome::*;
pub use schema::{CompiledSchema, SchemaError, compile_schema};
