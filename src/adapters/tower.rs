//! The `tower` adapter (in progress).
