//! Many documents through one [`Validator`] on every core: [`validate_batch`] reads and
//! verifies (XML or CMS, [`Validator::validate_any`]) in worker threads and hands the results back one by one, in input order or as
//! they complete — for folders of licences on the command line and the service's batch
//! endpoint alike.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

use crate::document::DocumentError;
use crate::report::DocumentReport;
use crate::validator::{Request, Validator};

/// One document of a batch: a name for the report and how to get its bytes (called in a
/// worker thread, so files are read in parallel too).
pub struct Job {
    /// The name the result carries (a file path, an id).
    pub name: String,
    /// Reads the document.
    pub load: Box<dyn FnOnce() -> std::io::Result<Vec<u8>> + Send>,
}

impl Job {
    /// A job for bytes already in memory.
    pub fn bytes(name: impl Into<String>, bytes: Vec<u8>) -> Job {
        Job {
            name: name.into(),
            load: Box::new(move || Ok(bytes)),
        }
    }

    /// A job reading a file when its turn comes.
    pub fn file(path: std::path::PathBuf) -> Job {
        Job {
            name: path.display().to_string(),
            load: Box::new(move || std::fs::read(path)),
        }
    }
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("name", &self.name).finish()
    }
}

/// In which order results are handed back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// The order of the jobs (a slow document holds back the ones after it, within a
    /// window of a few documents per thread).
    #[default]
    Input,
    /// As soon as each is done.
    Completion,
}

/// Why a batch item has no report.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The document could not be read.
    #[error("cannot read: {0}")]
    Read(#[source] std::io::Error),
    /// The document could not be verified at all.
    #[error(transparent)]
    Document(#[from] DocumentError),
}

/// The result for one job.
#[derive(Debug)]
#[must_use = "a batch item carries a verdict"]
pub struct BatchItem {
    /// Position of the job in the input (from 0).
    pub index: usize,
    /// The job's name.
    pub name: String,
    /// Its report, or why there is none.
    pub result: Result<DocumentReport, BatchError>,
}

/// Verifies every job with `validator` under `request` on `threads` worker threads
/// (at least one), calling `sink` on the calling thread for each result in `order`.
/// Memory stays bounded: at most a few documents per thread are read ahead of the
/// results handed back.
///
/// ```
/// use tanba_validate::{validate_batch, Job, Order, Request, TrustConfig, Validator};
/// let validator = Validator::new(TrustConfig::default());
/// let request = Request { skip_certificates: true, ..Default::default() };
/// let jobs = vec![Job::bytes("a.xml", b"<a/>".to_vec()), Job::bytes("b.xml", b"<b".to_vec())];
/// let mut names = Vec::new();
/// validate_batch(&validator, &request, jobs, 2, Order::Input, |item| {
///     assert!(item.result.is_err()); // no signature / malformed
///     names.push(item.name);
/// });
/// assert_eq!(names, ["a.xml", "b.xml"]);
/// ```
pub fn validate_batch<I>(
    validator: &Validator,
    request: &Request,
    jobs: I,
    threads: usize,
    order: Order,
    mut sink: impl FnMut(BatchItem),
) where
    I: IntoIterator<Item = Job>,
    I::IntoIter: Send,
{
    let threads = threads.max(1);
    let window = threads * 4;
    // the queue of jobs and how far the consumer has got, for the read-ahead window
    struct Queue<J> {
        jobs: J,
        next: usize,
        handed_back: usize,
        done: bool,
    }
    let queue = Mutex::new(Queue {
        jobs: jobs.into_iter(),
        next: 0,
        handed_back: 0,
        done: false,
    });
    let room = Condvar::new();
    let (tx, rx) = mpsc::channel::<BatchItem>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (queue, room) = (&queue, &room);
            scope.spawn(move || loop {
                let (index, job) = {
                    let Ok(mut q) = queue.lock() else { return };
                    while !q.done && q.next >= q.handed_back + window {
                        q = match room.wait(q) {
                            Ok(q) => q,
                            Err(_) => return,
                        };
                    }
                    if q.done {
                        return;
                    }
                    match q.jobs.next() {
                        Some(job) => {
                            q.next += 1;
                            (q.next - 1, job)
                        }
                        None => {
                            q.done = true;
                            room.notify_all();
                            return;
                        }
                    }
                };
                let result = match (job.load)() {
                    Err(e) => Err(BatchError::Read(e)),
                    Ok(bytes) => validator
                        .validate_any(bytes, None, request)
                        .map_err(BatchError::Document),
                };
                let item = BatchItem {
                    index,
                    name: job.name,
                    result,
                };
                if tx.send(item).is_err() {
                    return;
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, BatchItem> = BTreeMap::new();
        let mut next_out = 0;
        let hand_back = |item: BatchItem, sink: &mut dyn FnMut(BatchItem)| {
            sink(item);
            if let Ok(mut q) = queue.lock() {
                q.handed_back += 1;
            }
            room.notify_all();
        };
        for item in rx {
            match order {
                Order::Completion => hand_back(item, &mut sink),
                Order::Input => {
                    pending.insert(item.index, item);
                    while let Some(item) = pending.remove(&next_out) {
                        next_out += 1;
                        hand_back(item, &mut sink);
                    }
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validator::TrustConfig;

    fn jobs(n: usize) -> Vec<Job> {
        (0..n)
            .map(|i| {
                Job {
                    name: format!("doc-{i}"),
                    load: Box::new(move || {
                        // early documents are the slow ones
                        std::thread::sleep(std::time::Duration::from_millis(if i < 3 {
                            30
                        } else {
                            0
                        }));
                        if i % 5 == 4 {
                            Err(std::io::Error::other("unreadable"))
                        } else {
                            Ok(b"<a/>".to_vec())
                        }
                    }),
                }
            })
            .collect()
    }

    #[test]
    fn input_order_is_kept_and_every_job_is_answered() {
        let v = Validator::new(TrustConfig::default());
        let r = Request::default();
        let mut seen = Vec::new();
        validate_batch(&v, &r, jobs(40), 4, Order::Input, |item| {
            match item.index % 5 {
                4 => assert!(matches!(item.result, Err(BatchError::Read(_)))),
                _ => assert!(matches!(
                    item.result,
                    Err(BatchError::Document(DocumentError::NoSignature))
                )),
            }
            seen.push(item.index);
        });
        assert_eq!(seen, (0..40).collect::<Vec<_>>());
    }

    #[test]
    fn completion_order_answers_every_job_once() {
        let v = Validator::new(TrustConfig::default());
        let r = Request::default();
        let mut seen = Vec::new();
        validate_batch(&v, &r, jobs(40), 4, Order::Completion, |item| {
            seen.push(item.index);
        });
        assert_ne!(seen[..3], [0, 1, 2], "the slow first documents come later");
        seen.sort();
        assert_eq!(seen, (0..40).collect::<Vec<_>>());
    }

    #[test]
    fn one_thread_and_no_jobs() {
        let v = Validator::new(TrustConfig::default());
        let mut n = 0;
        validate_batch(&v, &Request::default(), Vec::new(), 0, Order::Input, |_| {
            n += 1
        });
        assert_eq!(n, 0);
        validate_batch(&v, &Request::default(), jobs(7), 1, Order::Input, |_| {
            n += 1
        });
        assert_eq!(n, 7);
    }
}
