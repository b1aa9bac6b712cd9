//! Point arithmetic on a short Weierstrass curve `y² = x³ + a·x + b`.
//!
//! * [`Proj`] — homogeneous projective coordinates with the complete addition formulas of
//!   Renes, Costello and Batina (2015, algorithms 1 and 2, arbitrary `a`): no exceptional
//!   cases, no branches, used for everything that touches a secret scalar.
//! * [`Jac`] — Jacobian coordinates with the fast but incomplete formulas (EFD
//!   `dbl-2001-b` for `a = −3`, `dbl-2007-bl`, `add-2007-bl`, `madd-2007-bl`); these branch
//!   on special cases and are used only for verification, where all inputs are public.

// Limb loops index several arrays in step; iterator chains would obscure them.
#![allow(clippy::needless_range_loop)]

use crate::curve::Curve;
use crate::field::Fe;
use crate::limbs;

/// An affine point (never the point at infinity).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Affine<const N: usize> {
    pub(crate) x: Fe<N>,
    pub(crate) y: Fe<N>,
}

/// A projective point `(X : Y : Z)`, `x = X/Z`, `y = Y/Z`; infinity is `(0 : 1 : 0)`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Proj<const N: usize> {
    pub(crate) x: Fe<N>,
    pub(crate) y: Fe<N>,
    pub(crate) z: Fe<N>,
}

/// A Jacobian point `(X : Y : Z)`, `x = X/Z²`, `y = Y/Z³`; `None` stands for infinity.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Jac<const N: usize> {
    pub(crate) x: Fe<N>,
    pub(crate) y: Fe<N>,
    pub(crate) z: Fe<N>,
}

impl<const N: usize> Proj<N> {
    /// The point at infinity.
    pub(crate) fn identity(c: &Curve<N>) -> Self {
        Proj {
            x: [0; N],
            y: c.fp.one(),
            z: [0; N],
        }
    }

    /// `mask ? b : a`.
    pub(crate) fn select(a: &Self, b: &Self, mask: u64) -> Self {
        Proj {
            x: limbs::select(&a.x, &b.x, mask),
            y: limbs::select(&a.y, &b.y, mask),
            z: limbs::select(&a.z, &b.z, mask),
        }
    }

    /// `self + p2` where `p2` is affine (RCB algorithm 1 with `Z2 = 1`; complete as long as
    /// `p2` is a real point, which affine points always are).
    pub(crate) fn add_affine(&self, p2: &Affine<N>, c: &Curve<N>) -> Self {
        let f = &c.fp;
        let (x1, y1, z1) = (&self.x, &self.y, &self.z);
        let t0 = f.mul(x1, &p2.x);
        let t1 = f.mul(y1, &p2.y);
        let t2 = *z1;
        let t3 = f.sub(
            &f.mul(&f.add(x1, y1), &f.add(&p2.x, &p2.y)),
            &f.add(&t0, &t1),
        );
        let t4 = f.add(&f.mul(&p2.x, z1), x1);
        let t5 = f.add(&f.mul(&p2.y, z1), y1);
        Self::finish(c, t0, t1, t2, t3, t4, t5)
    }

    /// Steps 19–40 of RCB algorithm 1.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        c: &Curve<N>,
        t0: Fe<N>,
        t1: Fe<N>,
        t2: Fe<N>,
        t3: Fe<N>,
        t4: Fe<N>,
        t5: Fe<N>,
    ) -> Self {
        let f = &c.fp;
        let z3 = f.add(&c.mul_a(&t4), &f.mul(&c.b3, &t2));
        let x3 = f.sub(&t1, &z3);
        let z3 = f.add(&t1, &z3);
        let y3 = f.mul(&x3, &z3);
        let a_t2 = c.mul_a(&t2);
        let t1 = f.add(&f.add(&f.add(&t0, &t0), &t0), &a_t2);
        let t2 = c.mul_a(&f.sub(&t0, &a_t2));
        let t4 = f.add(&f.mul(&c.b3, &t4), &t2);
        let y3 = f.add(&y3, &f.mul(&t1, &t4));
        let x3 = f.sub(&f.mul(&t3, &x3), &f.mul(&t5, &t4));
        let z3 = f.add(&f.mul(&t5, &z3), &f.mul(&t3, &t1));
        Proj {
            x: x3,
            y: y3,
            z: z3,
        }
    }
}

impl<const N: usize> Jac<N> {
    /// From an affine point.
    pub(crate) fn from_affine(p: &Affine<N>, c: &Curve<N>) -> Self {
        Jac {
            x: p.x,
            y: p.y,
            z: c.fp.one(),
        }
    }

    /// Whether this is the point at infinity (`Z = 0`).
    pub(crate) fn is_identity(&self) -> bool {
        self.z.iter().all(|l| *l == 0)
    }

    /// The point at infinity.
    pub(crate) fn identity(c: &Curve<N>) -> Self {
        Jac {
            x: c.fp.one(),
            y: c.fp.one(),
            z: [0; N],
        }
    }

    /// `2·self` (variable time).
    pub(crate) fn double(&self, c: &Curve<N>) -> Self {
        if self.is_identity() || self.y.iter().all(|l| *l == 0) {
            return Self::identity(c);
        }
        let f = &c.fp;
        if c.a_is_minus_3 {
            // dbl-2001-b
            let delta = f.sqr(&self.z);
            let gamma = f.sqr(&self.y);
            let beta = f.mul(&self.x, &gamma);
            let t = f.mul(&f.sub(&self.x, &delta), &f.add(&self.x, &delta));
            let alpha = f.add(&f.add(&t, &t), &t);
            let beta2 = f.add(&beta, &beta);
            let beta4 = f.add(&beta2, &beta2);
            let beta8 = f.add(&beta4, &beta4);
            let x3 = f.sub(&f.sqr(&alpha), &beta8);
            let yz = f.add(&self.y, &self.z);
            let z3 = f.sub(&f.sub(&f.sqr(&yz), &gamma), &delta);
            let g2 = f.sqr(&gamma);
            let g2_2 = f.add(&g2, &g2);
            let g2_4 = f.add(&g2_2, &g2_2);
            let g2_8 = f.add(&g2_4, &g2_4);
            let y3 = f.sub(&f.mul(&alpha, &f.sub(&beta4, &x3)), &g2_8);
            Jac {
                x: x3,
                y: y3,
                z: z3,
            }
        } else {
            // dbl-2007-bl
            let xx = f.sqr(&self.x);
            let yy = f.sqr(&self.y);
            let yyyy = f.sqr(&yy);
            let zz = f.sqr(&self.z);
            let s0 = f.sub(&f.sub(&f.sqr(&f.add(&self.x, &yy)), &xx), &yyyy);
            let s = f.add(&s0, &s0);
            let m = f.add(&f.add(&f.add(&xx, &xx), &xx), &c.mul_a(&f.sqr(&zz)));
            let t = f.sub(&f.sqr(&m), &f.add(&s, &s));
            let y4 = f.add(&yyyy, &yyyy);
            let y8 = f.add(&y4, &y4);
            let y16 = f.add(&y8, &y8);
            let y3 = f.sub(&f.mul(&m, &f.sub(&s, &t)), &y16);
            let z3 = f.sub(&f.sub(&f.sqr(&f.add(&self.y, &self.z)), &yy), &zz);
            Jac { x: t, y: y3, z: z3 }
        }
    }

    /// `self + p2` (variable time; add-2007-bl with the special cases handled).
    pub(crate) fn add(&self, p2: &Self, c: &Curve<N>) -> Self {
        if self.is_identity() {
            return *p2;
        }
        if p2.is_identity() {
            return *self;
        }
        let f = &c.fp;
        let z1z1 = f.sqr(&self.z);
        let z2z2 = f.sqr(&p2.z);
        let u1 = f.mul(&self.x, &z2z2);
        let u2 = f.mul(&p2.x, &z1z1);
        let s1 = f.mul(&f.mul(&self.y, &p2.z), &z2z2);
        let s2 = f.mul(&f.mul(&p2.y, &self.z), &z1z1);
        let h = f.sub(&u2, &u1);
        let r0 = f.sub(&s2, &s1);
        if h.iter().all(|l| *l == 0) {
            return if r0.iter().all(|l| *l == 0) {
                self.double(c)
            } else {
                Self::identity(c)
            };
        }
        let h2 = f.add(&h, &h);
        let i = f.sqr(&h2);
        let j = f.mul(&h, &i);
        let r = f.add(&r0, &r0);
        let v = f.mul(&u1, &i);
        let x3 = f.sub(&f.sub(&f.sqr(&r), &j), &f.add(&v, &v));
        let s1j = f.mul(&s1, &j);
        let y3 = f.sub(&f.mul(&r, &f.sub(&v, &x3)), &f.add(&s1j, &s1j));
        let zs = f.add(&self.z, &p2.z);
        let z3 = f.mul(&f.sub(&f.sub(&f.sqr(&zs), &z1z1), &z2z2), &h);
        Jac {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// `self + p2` with `p2` affine (variable time; madd-2007-bl with the special cases).
    pub(crate) fn add_affine(&self, p2: &Affine<N>, c: &Curve<N>) -> Self {
        if self.is_identity() {
            return Self::from_affine(p2, c);
        }
        let f = &c.fp;
        let z1z1 = f.sqr(&self.z);
        let u2 = f.mul(&p2.x, &z1z1);
        let s2 = f.mul(&f.mul(&p2.y, &self.z), &z1z1);
        let h = f.sub(&u2, &self.x);
        let r0 = f.sub(&s2, &self.y);
        if h.iter().all(|l| *l == 0) {
            return if r0.iter().all(|l| *l == 0) {
                self.double(c)
            } else {
                Self::identity(c)
            };
        }
        let hh = f.sqr(&h);
        let i = f.add(&f.add(&hh, &hh), &f.add(&hh, &hh));
        let j = f.mul(&h, &i);
        let r = f.add(&r0, &r0);
        let v = f.mul(&self.x, &i);
        let x3 = f.sub(&f.sub(&f.sqr(&r), &j), &f.add(&v, &v));
        let y1j = f.mul(&self.y, &j);
        let y3 = f.sub(&f.mul(&r, &f.sub(&v, &x3)), &f.add(&y1j, &y1j));
        let z3 = f.sub(&f.sub(&f.sqr(&f.add(&self.z, &h)), &z1z1), &hh);
        Jac {
            x: x3,
            y: y3,
            z: z3,
        }
    }
}

/// Normalise many Jacobian points (none at infinity) to affine with one inversion
/// (variable time: public points only — the fixed-base table and verification).
pub(crate) fn batch_to_affine<const N: usize>(pts: &[Jac<N>], c: &Curve<N>) -> Vec<Affine<N>> {
    let f = &c.fp;
    let mut prefix = Vec::with_capacity(pts.len());
    let mut acc = f.one();
    for p in pts {
        prefix.push(acc);
        acc = f.mul(&acc, &p.z);
    }
    let mut inv = f.invert_vartime(&acc);
    let mut out = vec![
        Affine {
            x: [0; N],
            y: [0; N]
        };
        pts.len()
    ];
    for (i, p) in pts.iter().enumerate().rev() {
        let zi = f.mul(&inv, &prefix[i]);
        inv = f.mul(&inv, &p.z);
        let zi2 = f.sqr(&zi);
        out[i] = Affine {
            x: f.mul(&p.x, &zi2),
            y: f.mul(&p.y, &f.mul(&zi2, &zi)),
        };
    }
    out
}
