mod brute_force;
mod fixed_point;
mod formats;
mod generators;
mod mappings;
mod npim_model;
mod training;
mod util;
