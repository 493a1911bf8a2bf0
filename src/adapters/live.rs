//! What the Poem, Salvo and Rocket adapters hold: the policies, shared by
//! all their clones and replaced as one (each request loads one snapshot,
//! and a swap never makes a request wait), and the decision hook.

use alloc::sync::Arc;
use core::fmt;

use arc_swap::{ArcSwap, Guard};

use crate::PolicySet;

/// An adapter's policies, each in the form it prepares (`P`), and its hook
/// (`H`, the adapter's `dyn Fn(&Request, &Decision)`).
pub(crate) struct Live<P, H: ?Sized> {
    set: Arc<ArcSwap<PolicySet<P>>>,
    pub(crate) hook: Option<Arc<H>>,
}

impl<P, H: ?Sized> Live<P, H> {
    pub(crate) fn new(set: PolicySet<P>) -> Self {
        Live {
            set: Arc::new(ArcSwap::from_pointee(set)),
            hook: None,
        }
    }

    /// Replaces the policies for every clone.
    pub(crate) fn swap(&self, set: PolicySet<P>) {
        self.set.store(Arc::new(set));
    }

    /// The current snapshot, for one request.
    #[inline]
    pub(crate) fn load(&self) -> Guard<Arc<PolicySet<P>>> {
        self.set.load()
    }

    /// The current snapshot, kept beyond one request.
    #[cfg(feature = "rocket")]
    pub(crate) fn load_full(&self) -> Arc<PolicySet<P>> {
        self.set.load_full()
    }
}

impl<P, H: ?Sized> Clone for Live<P, H> {
    fn clone(&self) -> Self {
        Live {
            set: Arc::clone(&self.set),
            hook: self.hook.clone(),
        }
    }
}

/// Each adapter's `Cors` shows itself as this.
impl<P: fmt::Debug, H: ?Sized> fmt::Debug for Live<P, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cors")
            .field("policies", &self.set.load())
            .field("on_decision", &self.hook.is_some())
            .finish()
    }
}
