//! The policies an adapter decides with, shared by all its clones and
//! replaced as one: each request loads one snapshot, and a swap never makes
//! a request wait.

use alloc::sync::Arc;
use core::fmt;

use arc_swap::{ArcSwap, Guard};

use crate::PolicySet;

/// An adapter's policies, each in the form it prepares (`P`).
pub(crate) struct Live<P>(Arc<ArcSwap<PolicySet<P>>>);

impl<P> Live<P> {
    pub(crate) fn new(set: PolicySet<P>) -> Self {
        Live(Arc::new(ArcSwap::from_pointee(set)))
    }

    /// Replaces the policies for every clone.
    pub(crate) fn swap(&self, set: PolicySet<P>) {
        self.0.store(Arc::new(set));
    }

    /// The current snapshot, for one request.
    #[inline]
    pub(crate) fn load(&self) -> Guard<Arc<PolicySet<P>>> {
        self.0.load()
    }

    /// The current snapshot, kept beyond one request.
    #[cfg(feature = "rocket")]
    pub(crate) fn load_full(&self) -> Arc<PolicySet<P>> {
        self.0.load_full()
    }
}

impl<P> Clone for Live<P> {
    fn clone(&self) -> Self {
        Live(Arc::clone(&self.0))
    }
}

impl<P: fmt::Debug> fmt::Debug for Live<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.load().fmt(f)
    }
}
