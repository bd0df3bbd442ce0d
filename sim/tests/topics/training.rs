//! The DAS trainer: a tiny model learns on N = 20 SK instances; runs are reproducible and resume
//! exactly from a checkpoint.

use npim_sim::train::{TrainConfig, Trainer};
use std::path::Path;

const TINY: &str = r#"
name = "tiny"
variant = "dnpim"
steps = 20
epochs = 30
batch_instances = 8
runs_per_instance = 40
reward = "success"
seed = 5
init = "random"
init_window = 0.5
eval_every = 30
eval_runs = 40
reference_runs = 50

[architecture]
tc = 4
d = 1
m = 2
basis = "fourier"

[train]
generate = "sk:n=20"
count = 16
seed_start = 100

[test]
generate = "sk:n=20"
count = 4
seed_start = 5000
"#;

fn trainer(config: &TrainConfig) -> Trainer {
    let train = config.train.load(Path::new(".")).unwrap();
    let test = config.test.load(Path::new(".")).unwrap();
    Trainer::new(config.clone(), train, test, None).unwrap()
}

#[test]
fn a_tiny_model_learns_on_sk20() {
    let config = TrainConfig::parse(TINY).unwrap();
    let mut t = trainer(&config);
    let mut rewards = Vec::new();
    let mut test = None;
    while !t.finished() {
        let r = t.run_epoch(&|| {});
        rewards.push(r.mean_reward);
        test = r.test_success.or(test);
    }
    let first = rewards[0];
    let last5 = rewards[rewards.len() - 5..].iter().sum::<f64>() / 5.0;
    assert!(
        last5 > first + 0.2,
        "mean reward went from {first:.3} to {last5:.3}: {rewards:?}"
    );
    assert!(test.unwrap() > 0.3, "test success {test:?}");
}

#[test]
fn training_is_reproducible_and_resumes_exactly() {
    let mut config = TrainConfig::parse(TINY).unwrap();
    config.epochs = 6;
    config.eval_every = 3;
    let mut a = trainer(&config);
    for _ in 0..6 {
        a.run_epoch(&|| {});
    }
    let mut b = trainer(&config);
    for _ in 0..3 {
        b.run_epoch(&|| {});
    }
    // through JSON, as `npim train` saves it
    let saved = serde_json::to_string(b.checkpoint()).unwrap();
    let cp = serde_json::from_str(&saved).unwrap();
    let mut c = Trainer::resume(
        cp,
        config.train.load(Path::new(".")).unwrap(),
        config.test.load(Path::new(".")).unwrap(),
    )
    .unwrap();
    for _ in 0..3 {
        c.run_epoch(&|| {});
    }
    let strip = |t: &Trainer| {
        let mut cp = t.checkpoint().clone();
        cp.curve.iter_mut().for_each(|r| r.seconds = 0.0);
        cp
    };
    assert_eq!(strip(&a), strip(&c));
    assert_eq!(a.params().flat(), c.params().flat());
}

#[test]
fn bad_configs_are_explained() {
    let odd = TINY
        .replace("batch_instances = 8", "batch_instances = 3")
        .replace("runs_per_instance = 40", "runs_per_instance = 5");
    let cases = [
        (
            TINY.replace("steps = 20", "steps = 0"),
            "must be at least 1",
        ),
        (odd, "must be even"),
        (TINY.replace("tc = 4", "tc = 0"), "tc, d and m"),
        (
            TINY.replace("reward = \"success\"", "reward = \"fast\""),
            "unknown variant",
        ),
        (
            TINY.replace("seed = 5", "seed = 5\ncolour = 1"),
            "unknown field",
        ),
        (
            TINY.replace("seed = 5", "seed = 5\nseed = 6"),
            "duplicate key",
        ),
    ];
    for (text, needle) in cases {
        let err = TrainConfig::parse(&text).unwrap_err();
        assert!(err.contains(needle), "{needle}: {err}");
    }
    let mut c = TrainConfig::parse(TINY).unwrap();
    c.train.folder = Some("x".into());
    assert!(c
        .train
        .load(Path::new("."))
        .unwrap_err()
        .contains("exactly one"));
}
