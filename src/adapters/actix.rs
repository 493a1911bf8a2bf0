//! The `actix` adapter (in progress).
