//! The rewards of seed 000 App. F, computed from a trajectory's best energy `E_opt` and the
//! instance's reference energy `E0` (the best seen so far, or a known ground energy).

/// Energies within this (relative) distance of `E0` count as reaching it.
pub fn reaches(e_opt: f64, e0: f64) -> bool {
    e_opt <= e0 + 1e-9 * e0.abs().max(1.0)
}

/// Eq. 24: 1 at `E0`, −1/2 for trajectories no better than `E0/2`, 0 otherwise.
pub fn success(e_opt: f64, e0: f64) -> f64 {
    if reaches(e_opt, e0) {
        1.0
    } else if e_opt >= 0.5 * e0 {
        -0.5
    } else {
        0.0
    }
}

/// Eq. 25: `relu(1 − τ·(E_opt − E0))`.
pub fn objective(e_opt: f64, e0: f64, tau: f64) -> f64 {
    (1.0 - tau * (e_opt - e0)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewards_follow_eqs_24_and_25() {
        assert_eq!(success(-734.0, -734.0), 1.0);
        assert_eq!(success(-700.0, -734.0), 0.0);
        assert_eq!(success(-367.0, -734.0), -0.5);
        assert_eq!(success(-100.0, -734.0), -0.5);
        assert_eq!(objective(-734.0, -734.0, 0.005), 1.0);
        assert!((objective(-634.0, -734.0, 0.005) - 0.5).abs() < 1e-12);
        assert_eq!(objective(0.0, -734.0, 0.005), 0.0);
    }
}
