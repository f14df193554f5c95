//! Read models kept between requests: lists already put in protocol order, programmes already
//! loaded, pages already rendered. Every change to the data is audited in its own transaction, so
//! the audit head's sequence number says whether a kept value is current, on every node that
//! shares the database. A value is served without any query while nothing was committed on this
//! node and the head was checked less than [`FRESH_FOR`] ago: a change made here shows at once, one
//! made on another node within a quarter of a second.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use store::Store;

use crate::error::AppError;

/// How long a value is served without asking the database, if nothing was committed on this node.
pub(crate) const FRESH_FOR: Duration = Duration::from_millis(250);

struct Kept<V> {
    /// The audit head read before the value was built: the value is at least this current.
    seq: i64,
    value: Arc<V>,
    /// When the value was last found current, and this node's commit count then.
    checked: Mutex<(Instant, u64)>,
}

impl<V> Kept<V> {
    fn recently_checked(&self, commits: u64) -> bool {
        let (at, seen) = *self.checked.lock().expect("snapshot poisoned");
        seen == commits && at.elapsed() < FRESH_FOR
    }

    fn mark_checked(&self, commits: u64) {
        *self.checked.lock().expect("snapshot poisoned") = (Instant::now(), commits);
    }
}

/// Values of one kind, by key, at most `capacity` of them (the oldest go first).
pub(crate) struct Snapshots<K, V> {
    kept: Mutex<HashMap<K, Arc<Kept<V>>>>,
    /// One build at a time per key, so that a burst of readers after a change builds once, while
    /// values of other keys build beside it.
    building: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V> Snapshots<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Snapshots { kept: Mutex::default(), building: Mutex::default(), capacity }
    }

    fn get(&self, key: &K) -> Option<Arc<Kept<V>>> {
        self.kept.lock().expect("snapshots poisoned").get(key).cloned()
    }

    /// The current value for `key`, built by `build` if none is kept or the kept one is stale.
    /// `fresh` asks the database even within [`FRESH_FOR`] (before a write that checks against it).
    pub(crate) async fn current<F, Fut>(&self, store: &Store, key: K, fresh: bool, build: F) -> Result<Arc<V>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, AppError>>,
    {
        // The commit count, then the audit head, then the data: a value is never older than what
        // it claims to have seen.
        let commits = store.commits();
        let kept = self.get(&key);
        if let Some(kept) = kept.as_ref().filter(|k| !fresh && k.recently_checked(commits)) {
            return Ok(kept.value.clone());
        }
        let seq = store::audit::head(store).await?;
        if let Some(kept) = kept.filter(|k| k.seq >= seq) {
            kept.mark_checked(commits);
            return Ok(kept.value.clone());
        }
        let lock = self.building.lock().expect("snapshots poisoned").entry(key.clone()).or_default().clone();
        let _building = lock.lock().await;
        if let Some(kept) = self.get(&key).filter(|k| k.seq >= seq) {
            return Ok(kept.value.clone());
        }
        let built = build().await.map(Arc::new);
        if let Ok(value) = &built {
            let kept = Arc::new(Kept { seq, value: value.clone(), checked: Mutex::new((Instant::now(), commits)) });
            let mut all = self.kept.lock().expect("snapshots poisoned");
            all.insert(key.clone(), kept);
            if all.len() > self.capacity {
                let oldest = all.iter().min_by_key(|(_, k)| k.seq).map(|(key, _)| key.clone());
                all.remove(&oldest.expect("not empty"));
            }
        }
        // Who waits holds the lock already; who comes from now on finds the value kept.
        self.building.lock().expect("snapshots poisoned").remove(&key);
        built
    }
}
