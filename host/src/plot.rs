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

/// Mean P_s per swept value, one panel per parameter, the float reference and the default as
/// horizontal lines.
pub fn quantization(path: &Path, means: &[(&'static str, usize, f64)]) -> Result<()> {
    let root = BitMapBackend::new(path, (1200, 700)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let float = means.iter().find(|m| m.0 == "float").map_or(0.0, |m| m.2);
    let default = means.iter().find(|m| m.0 == "default").map_or(0.0, |m| m.2);
    let params: Vec<&str> = {
        let mut v: Vec<&str> = means
            .iter()
            .map(|m| m.0)
            .filter(|p| *p != "float" && *p != "default")
            .collect();
        v.dedup();
        v
    };
    let ymax = means.iter().map(|m| m.2).fold(0.0f64, f64::max).max(0.05) * 1.15;
    let panels = root.split_evenly((2, params.len().div_ceil(2).max(1)));
    for (panel, param) in panels.iter().zip(&params) {
        let pts: Vec<(f64, f64)> = means
            .iter()
            .filter(|m| m.0 == *param)
            .map(|m| (m.1 as f64, m.2))
            .collect();
        let xmax = pts.iter().map(|p| p.0).fold(1.0f64, f64::max) * 1.1;
        let mut chart = ChartBuilder::on(panel)
            .caption(*param, ("sans-serif", 20))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(45)
            .build_cartesian_2d(0.0..xmax, 0.0..ymax)
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .configure_mesh()
            .y_desc("mean P_s")
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .draw_series(LineSeries::new(vec![(0.0, float), (xmax, float)], &RED))
            .map_err(|e| anyhow!("{e}"))?
            .label("float")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, default), (xmax, default)],
                &GREEN,
            ))
            .map_err(|e| anyhow!("{e}"))?
            .label("default widths")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], GREEN));
        chart
            .draw_series(LineSeries::new(pts.clone(), &BLUE))
            .map_err(|e| anyhow!("{e}"))?
            .label("golden");
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 4, BLUE.filled())))
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
    }
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

/// A closed-loop run: amplitudes of the first oscillators (top) and energy (bottom) per step.
pub fn hil_run(path: &Path, title: &str, amplitudes: &[Vec<f64>], energy: &[f64]) -> Result<()> {
    let root = BitMapBackend::new(path, (900, 700)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let (top, bottom) = root.split_vertically(380);
    let steps = energy.len().max(2) as f64;
    let amax = amplitudes
        .iter()
        .flatten()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(1e-9)
        * 1.05;
    let mut chart = ChartBuilder::on(&top)
        .caption(
            format!("{title}: oscillator amplitudes"),
            ("sans-serif", 20),
        )
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(55)
        .build_cartesian_2d(0.0..steps, -amax..amax)
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .y_desc("amplitude")
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    let k = amplitudes.first().map_or(0, Vec::len);
    for j in 0..k {
        let color = Palette99::pick(j).to_rgba();
        chart
            .draw_series(LineSeries::new(
                amplitudes.iter().enumerate().map(|(t, a)| (t as f64, a[j])),
                color,
            ))
            .map_err(|e| anyhow!("{e}"))?;
    }
    let (lo, hi) = energy
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &e| {
            (a.min(e), b.max(e))
        });
    let pad = ((hi - lo) * 0.05).max(1.0);
    let mut chart = ChartBuilder::on(&bottom)
        .caption("energy of the spins the core took", ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(55)
        .build_cartesian_2d(0.0..steps, (lo - pad)..(hi + pad))
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("energy")
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .draw_series(LineSeries::new(
            energy.iter().enumerate().map(|(t, &e)| (t as f64, e)),
            BLUE,
        ))
        .map_err(|e| anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

/// EP and backprop accuracy per epoch, training (dashed) and test (solid).
pub fn ep_curve(path: &Path, title: &str, curve: &[npim_sim::ep::EpEpoch]) -> Result<()> {
    let root = BitMapBackend::new(path, (900, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let epochs = curve.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..epochs, 0.0..1.0)
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("accuracy")
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    type Pick = fn(&npim_sim::ep::EpEpoch) -> f64;
    let series: [(&str, Pick, RGBColor, bool); 4] = [
        ("EP on the core, test", |r| r.test_accuracy, BLUE, true),
        ("EP on the core, train", |r| r.train_accuracy, BLUE, false),
        ("backprop, test", |r| r.bp_test_accuracy, RED, true),
        ("backprop, train", |r| r.bp_train_accuracy, RED, false),
    ];
    for (label, pick, color, solid) in series {
        let pts: Vec<(f64, f64)> = curve.iter().map(|r| (r.epoch as f64, pick(r))).collect();
        let style = if solid {
            color.stroke_width(2)
        } else {
            color.mix(0.45).stroke_width(1)
        };
        chart
            .draw_series(LineSeries::new(pts, style))
            .map_err(|e| anyhow!("{e}"))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    }
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

/// Accuracy against β (log axis), one line per setting, the baseline as a horizontal line.
pub fn ep_sweep(
    path: &Path,
    title: &str,
    lines: &[(String, Vec<(f64, f64)>)],
    baseline: f64,
) -> Result<()> {
    let root = BitMapBackend::new(path, (900, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let betas = lines.iter().flat_map(|l| l.1.iter().map(|p| p.0));
    let lo = betas.clone().fold(f64::INFINITY, f64::min).min(1.0) * 0.8;
    let hi = betas.fold(0.0f64, f64::max).max(1.0) * 1.25;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d((lo..hi).log_scale(), 0.0..1.0)
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("beta")
        .y_desc("test accuracy")
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .draw_series(LineSeries::new(
            vec![(lo, baseline), (hi, baseline)],
            BLACK.stroke_width(1),
        ))
        .map_err(|e| anyhow!("{e}"))?
        .label("backprop, same width")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK));
    for (i, (label, pts)) in lines.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
            .map_err(|e| anyhow!("{e}"))?
            .label(label.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 4, color.filled())))
            .map_err(|e| anyhow!("{e}"))?;
    }
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
