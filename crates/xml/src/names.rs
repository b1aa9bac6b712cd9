//! Interned strings and expanded names (prefix, local name, namespace URI).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The XML namespace, bound to the `xml` prefix by definition.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace of namespace declarations (`xmlns`), never declarable.
pub const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// A small, fast, non-cryptographic hasher for short names (FxHash). HashDoS is not a
/// concern here: name counts are bounded by the input size limits and each table is
/// per-document.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(b as u64);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(SEED);
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Symbol 0 is always the empty string.
pub(crate) const EMPTY: u32 = 0;

/// One expanded name in the name table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameEntry {
    pub prefix: u32,
    pub local: u32,
    pub ns: u32,
    pub qname: u32,
}

/// One interned string.
#[derive(Debug, Clone, Copy)]
struct Sym {
    /// `arena[start..end]`.
    start: usize,
    end: usize,
    /// Its hash (for probing and rehashing without touching the bytes).
    hash: u32,
    /// Used as a qualified name: its prefix and local-name symbols (`u32::MAX` until
    /// split), and whether `qname_new` has reported it.
    prefix: u32,
    local: u32,
    seen: bool,
}

/// String interner plus the table of expanded names used by the document.
///
/// Strings are found through a small open-addressed table of symbol ids keyed by a seeded
/// Fx hash of the bytes; their bytes live back to back in one arena (no allocation per
/// string, no hash-map key copies).
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// The bytes of every interned string, back to back (one buffer instead of one
    /// allocation per string).
    arena: String,
    /// Symbol → where it is in `arena`, its hash and its split as a qualified name.
    syms: Vec<Sym>,
    /// Open-addressed table of symbol ids (`u32::MAX` = empty); length a power of two,
    /// at most half full.
    table: Vec<u32>,
    pub entries: Vec<NameEntry>,
    entry_lookup: FxMap<(u32, u32, u32), u32>,
    entry_memo: Vec<(u32, u32)>,
    /// Direct-mapped cache in front of the interner for qualified names:
    /// (qname, prefix, local) by a cheap position hash of the bytes; a hit is confirmed
    /// by comparing the interned string.
    qcache: Vec<(u32, u32, u32)>,
    /// The hash's starting state ([`hash_seed`]).
    seed: u64,
}

/// A per-process random starting state for the name hash, so that nobody can prepare a
/// document whose thousands of distinct names all land in one probe chain of the table
/// (the hash itself is fast rather than strong; the secret start makes its collisions
/// depend on a value the author of a document cannot know).
fn hash_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *SEED.get_or_init(|| RandomState::new().hash_one(0x0074_616e_6261_u64))
}

#[inline]
fn hash_str(seed: u64, s: &str) -> u32 {
    let mut h = FxHasher(seed);
    h.write(s.as_bytes());
    h.write_usize(s.len());
    let h = h.finish();
    (h ^ (h >> 32)) as u32
}

const QCACHE: usize = 256;

/// Byte equality for short strings (names) without a call into the C library's `memcmp`,
/// eight bytes at a time.
#[inline]
pub(crate) fn eq_short(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        if u64::from_ne_bytes(x.try_into().expect("8 bytes"))
            != u64::from_ne_bytes(y.try_into().expect("8 bytes"))
        {
            return false;
        }
    }
    ca.remainder()
        .iter()
        .zip(cb.remainder())
        .fold(true, |eq, (x, y)| eq & (x == y))
}

/// Cache slot of a non-empty qualified name: length, first, middle and last byte.
#[inline]
fn qslot(b: &[u8]) -> usize {
    let n = b.len();
    (n.wrapping_mul(0x9E37)
        ^ (b[0] as usize)
        ^ ((b[n / 2] as usize) << 3)
        ^ ((b[n - 1] as usize) << 5)
        ^ ((b[n * 3 / 4] as usize) << 1))
        % QCACHE
}

impl Names {
    pub fn new() -> Self {
        // Sized for a typical signed document or SOAP envelope (a few dozen distinct
        // names), so small documents never grow a table; large ones grow as usual.
        const N: usize = 128;
        let mut n = Names {
            arena: String::with_capacity(16 * N),
            syms: Vec::with_capacity(N),
            table: vec![u32::MAX; 2 * N],
            entries: Vec::with_capacity(N),
            entry_lookup: FxMap::default(),
            entry_memo: Vec::with_capacity(N),
            qcache: vec![(u32::MAX, 0, 0); QCACHE],
            seed: hash_seed(),
        };
        n.intern("");
        n
    }

    /// The table slot holding `s` (`Ok`) or the empty slot where it would go (`Err`).
    #[inline]
    fn find(&self, s: &str, h: u32) -> Result<usize, usize> {
        let mask = self.table.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let id = self.table[i];
            if id == u32::MAX {
                return Err(i);
            }
            if self.syms[id as usize].hash == h && eq_short(self.bytes(id), s.as_bytes()) {
                return Ok(i);
            }
            i = (i + 1) & mask;
        }
    }

    pub fn intern(&mut self, s: &str) -> u32 {
        let h = hash_str(self.seed, s);
        let slot = match self.find(s, h) {
            Ok(i) => return self.table[i],
            Err(i) => i,
        };
        let id = self.syms.len() as u32;
        let start = self.arena.len();
        self.arena.push_str(s);
        self.syms.push(Sym {
            start,
            end: self.arena.len(),
            hash: h,
            prefix: u32::MAX,
            local: u32::MAX,
            seen: false,
        });
        self.table[slot] = id;
        if self.syms.len() * 2 > self.table.len() {
            self.grow();
        }
        id
    }

    fn grow(&mut self) {
        let size = self.table.len() * 2;
        let mask = size - 1;
        let mut table = vec![u32::MAX; size];
        for (id, h) in self.syms.iter().map(|y| y.hash).enumerate() {
            let mut i = h as usize & mask;
            while table[i] != u32::MAX {
                i = (i + 1) & mask;
            }
            table[i] = id as u32;
        }
        self.table = table;
    }

    pub fn get(&self, s: &str) -> Option<u32> {
        self.find(s, hash_str(self.seed, s))
            .ok()
            .map(|i| self.table[i])
    }

    /// Where symbol `id` is in the arena.
    #[inline]
    fn span(&self, id: u32) -> std::ops::Range<usize> {
        let Sym { start, end, .. } = self.syms[id as usize];
        start..end
    }

    /// The bytes of symbol `id` (no UTF-8 boundary checks: for comparing and writing).
    #[inline]
    pub fn bytes(&self, id: u32) -> &[u8] {
        &self.arena.as_bytes()[self.span(id)]
    }

    #[inline]
    pub fn str(&self, id: u32) -> &str {
        &self.arena[self.span(id)]
    }

    /// Intern a qualified name and return (qname, prefix, local) symbols and whether the
    /// name is seen for the first time (so callers validate each distinct name once).
    #[inline]
    pub fn qname_new(&mut self, q: &str) -> (u32, u32, u32, bool) {
        // Fast path (inlined into the parser): a name seen before in this document.
        let b = q.as_bytes();
        if !b.is_empty() {
            let (qs, p, l) = self.qcache[qslot(b)];
            if qs != u32::MAX && eq_short(self.bytes(qs), b) {
                return (qs, p, l, false);
            }
        }
        self.qname_new_slow(q)
    }

    #[inline(never)]
    fn qname_new_slow(&mut self, q: &str) -> (u32, u32, u32, bool) {
        let b = q.as_bytes();
        let slot = if b.is_empty() { None } else { Some(qslot(b)) };
        let (qs, p, l) = self.qname(q);
        let seen = &mut self.syms[qs as usize].seen;
        let new = !*seen;
        *seen = true;
        if let Some(i) = slot {
            self.qcache[i] = (qs, p, l);
        }
        (qs, p, l, new)
    }

    /// Intern a qualified name and return (qname, prefix, local) symbols.
    pub fn qname(&mut self, q: &str) -> (u32, u32, u32) {
        let qs = self.intern(q);
        let Sym {
            prefix: p,
            local: l,
            ..
        } = self.syms[qs as usize];
        if p != u32::MAX {
            return (qs, p, l);
        }
        let (p, l) = match q.split_once(':') {
            Some((p, l)) => (self.intern(p), self.intern(l)),
            None => (EMPTY, qs),
        };
        self.syms[qs as usize].prefix = p;
        self.syms[qs as usize].local = l;
        (qs, p, l)
    }

    /// The name-table entry for (qname, prefix, local, ns).
    #[inline]
    pub fn entry(&mut self, qname: u32, prefix: u32, local: u32, ns: u32) -> u32 {
        // Direct-mapped memo by qualified-name symbol: a qualified name almost always
        // resolves to the same namespace throughout a document.
        if let Some(&(n, id)) = self.entry_memo.get(qname as usize) {
            if n == ns && id != u32::MAX {
                return id;
            }
        }
        self.entry_memo_miss(qname, prefix, local, ns)
    }

    #[inline(never)]
    fn entry_memo_miss(&mut self, qname: u32, prefix: u32, local: u32, ns: u32) -> u32 {
        if self.entry_memo.len() <= qname as usize {
            self.entry_memo
                .resize(qname as usize + 1, (u32::MAX, u32::MAX));
        }
        let (memo_ns, memo_id) = self.entry_memo[qname as usize];
        let id = if memo_id == u32::MAX {
            // The first entry for this qualified name: nothing to look up, and the memo
            // alone remembers it (most names only ever have one namespace).
            self.push_entry(qname, prefix, local, ns)
        } else {
            // The qualified name now has another namespace: from here on, the map knows
            // every (name, namespace) pair, including the one the memo is about to forget.
            self.entry_lookup.insert((qname, memo_ns, 0), memo_id);
            match self.entry_lookup.get(&(qname, ns, 0)) {
                Some(&id) => id,
                None => {
                    let id = self.push_entry(qname, prefix, local, ns);
                    self.entry_lookup.insert((qname, ns, 0), id);
                    id
                }
            }
        };
        self.entry_memo[qname as usize] = (ns, id);
        id
    }

    fn push_entry(&mut self, qname: u32, prefix: u32, local: u32, ns: u32) -> u32 {
        let id = self.entries.len() as u32;
        self.entries.push(NameEntry {
            prefix,
            local,
            ns,
            qname,
        });
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_hash_depends_on_the_per_process_seed() {
        // Which names collide must depend on the secret start, not on the names alone.
        let names: Vec<String> = (0..256).map(|i| format!("p{i}:n{}", i * 31)).collect();
        let differs = names
            .iter()
            .filter(|n| hash_str(1, n) != hash_str(2, n))
            .count();
        assert!(differs > 250, "{differs}");
        assert_eq!(hash_seed(), hash_seed(), "one seed per process");
        let slots =
            |seed: u64| -> Vec<u32> { names.iter().map(|n| hash_str(seed, n) & 255).collect() };
        assert_ne!(slots(1), slots(2), "table slots move with the seed");
    }

    #[test]
    fn interner_keeps_ids_across_table_growth() {
        let mut n = Names::new();
        // Far past the initial 128-slot table: several doublings.
        let words: Vec<String> = (0..5000).map(|i| format!("n{i}:x{}", i * 7)).collect();
        let ids: Vec<u32> = words.iter().map(|w| n.intern(w)).collect();
        for (w, &id) in words.iter().zip(&ids) {
            assert_eq!(n.get(w), Some(id), "{w}");
            assert_eq!(n.str(id), w.as_str());
            assert_eq!(
                n.intern(w),
                id,
                "interning again must not create a new symbol"
            );
        }
        assert_eq!(n.get(""), Some(EMPTY));
        assert_eq!(n.get("never-interned"), None);
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), words.len());
    }

    #[test]
    fn qname_new_reports_a_name_once_even_if_first_interned_otherwise() {
        let mut n = Names::new();
        // Seen as a plain string and split via `qname` first (namespace declarations),
        // it still counts as new for `qname_new`, which callers use to validate names.
        let plain = n.intern("p:a");
        let (qs, p, l) = n.qname("p:a");
        assert_eq!(qs, plain);
        assert_eq!((n.str(p), n.str(l)), ("p", "a"));
        assert_eq!(n.qname_new("p:a"), (qs, p, l, true));
        assert_eq!(n.qname_new("p:a"), (qs, p, l, false));
        let (q2, p2, l2, new) = n.qname_new("b");
        assert!(new);
        assert_eq!((q2, p2, l2), (n.get("b").unwrap(), EMPTY, q2));
        assert_eq!(n.qname_new("b"), (q2, p2, l2, false));
        // Names with the same cache slot (same length and bytes 0, 2, 3) stay apart.
        assert_eq!(qslot(b"aXYa"), qslot(b"aQYa"));
        let (x, _, _, _) = n.qname_new("aXYa");
        let (y, _, _, _) = n.qname_new("aQYa");
        assert_ne!(x, y);
        let (x2, y2) = (n.qname_new("aXYa").0, n.qname_new("aQYa").0);
        assert_eq!((x2, y2), (x, y));
        assert_eq!((n.str(x), n.str(y)), ("aXYa", "aQYa"));
    }
}
