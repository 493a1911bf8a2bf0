//! The `http` adapter (in progress).
