//! `npim generate SPEC -o FILE`.

use crate::cli::GenerateArgs;
use anyhow::Result;
use npim_sim::formats::{write_instance, Format};
use npim_sim::generate::{generate, Spec};

pub fn run(args: GenerateArgs) -> Result<()> {
    let spec: Spec = args.spec.parse()?;
    let ising = generate(&spec)?;
    write_instance(&args.out, &ising)?;
    println!(
        "wrote {} ({} spins, {} couplings)",
        args.out.display(),
        ising.n(),
        ising.edges().len()
    );
    if let Some(e) = ising.meta.ground_energy {
        println!("planted ground energy: {e}");
        if Format::of_path(&args.out) != Format::Json {
            println!(
                "note: the rudy format drops the planted state; use a .json output to keep it"
            );
        }
    }
    Ok(())
}
