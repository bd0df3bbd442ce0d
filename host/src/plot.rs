//! PNG charts (`plotters`).

use anyhow::{anyhow, Result};
use npim_sim::train::Checkpoint;
use plotters::prelude::*;
use std::path::Path;

/// Mean training reward per epoch and held-out success rate at each evaluation.
pub fn training_curve(path: &Path, title: &str, cp: &Checkpoint) -> Result<()> {
    let root = BitMapBackend::new(path, (900, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let epochs = cp.curve.len().max(1) as f64;
    let lo = cp
        .curve
        .iter()
        .map(|r| r.mean_reward)
        .fold(0.0f64, f64::min)
        .min(-0.05);
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("{title}: training curve"), ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..epochs, lo..1.0)
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("reward / success rate")
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .draw_series(LineSeries::new(
            cp.curve.iter().map(|r| (r.epoch as f64, r.mean_reward)),
            &BLUE,
        ))
        .map_err(|e| anyhow!("{e}"))?
        .label("mean reward (batch)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE));
    let test: Vec<(f64, f64)> = cp
        .curve
        .iter()
        .filter_map(|r| r.test_success.map(|s| (r.epoch as f64, s)))
        .collect();
    chart
        .draw_series(LineSeries::new(test.clone(), &RED))
        .map_err(|e| anyhow!("{e}"))?
        .label("test success rate")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
    chart
        .draw_series(test.iter().map(|&p| Circle::new(p, 3, RED.filled())))
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}
