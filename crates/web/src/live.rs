//! Live updates: a change to an event's programme reaches every open page within a second, on one
//! node through a broadcast channel, and across nodes sharing PostgreSQL through NOTIFY, sent in the
//! writing transaction, and LISTEN on each node.

use domain::programme::Announced;
use std::sync::OnceLock;
use store::{Engine, Store, Tx};

use tokio::sync::{broadcast, watch};

use crate::error::AppError;

/// This node's subscribers to programme changes.
pub(crate) struct Live {
    sender: broadcast::Sender<Announced>,
    /// This node's listener to PostgreSQL, from its first subscriber on. It holds a connection of
    /// the pool, so it must stop before the pool can close.
    listening: OnceLock<tokio::task::JoinHandle<()>>,
    /// Set when the server shuts down: open streams end, so that shutting down does not wait for them.
    closing: watch::Sender<bool>,
}

impl Default for Live {
    fn default() -> Self {
        Live { sender: broadcast::channel(256).0, listening: OnceLock::new(), closing: watch::Sender::new(false) }
    }
}

impl Live {
    /// After a commit. On PostgreSQL the notice sent with the transaction reaches every node, this
    /// one included; on SQLite this node tells its own pages.
    pub(crate) fn changed(&self, store: &Store, change: Announced) {
        if store.engine() == Engine::Sqlite {
            let _ = self.sender.send(change);
        }
    }

    /// Ends every open stream, and stops listening to PostgreSQL.
    pub(crate) fn close(&self) {
        self.closing.send_replace(true);
        if let Some(listener) = self.listening.get() {
            listener.abort();
        }
    }

    /// Becomes true when the server shuts down.
    pub(crate) fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Changes from now on; on PostgreSQL, the first subscriber starts this node's listener.
    pub(crate) fn subscribe(&self, store: &Store) -> broadcast::Receiver<Announced> {
        // Subscribe before listening, so that no change announced in between is missed.
        let receiver = self.sender.subscribe();
        if store.engine() == Engine::Postgres {
            self.listening.get_or_init(|| {
                let (store, sender) = (store.clone(), self.sender.clone());
                tokio::spawn(async move {
                    let announce = |change| {
                        let _ = sender.send(change);
                    };
                    if let Err(e) = store::programme::listen(&store, announce).await {
                        tracing::error!(error = %e, "cannot listen for programme changes");
                    }
                })
            });
        }
        receiver
    }
}

/// Announces a change with the transaction that makes it.
pub(crate) async fn announce(tx: &mut Tx, change: &Announced) -> Result<(), AppError> {
    Ok(store::programme::announce(tx, change).await?)
}
