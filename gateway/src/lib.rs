//! `cors-gateway`: a CORS gateway on Pingora that fronts an unmodified
//! backend with one `cors-engine` policy.
//!
//! The binary's parts are a library so that tests and fuzz targets can
//! reach the request path without a network:
//!
//! * [`policy`]: every call into `cors-engine` (load, decide, apply);
//! * [`proxy`]: the Pingora hooks (answer preflights, proxy the rest,
//!   add the decided headers to every answer, log);
//! * [`control`]: readiness, reloads, bounded graceful shutdown;
//! * [`listen`]: learning the real port when asked for port 0;
//! * [`args`]: the command line.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod args;
pub mod control;
pub mod listen;
pub mod policy;
pub mod proxy;
