pub use mpi;
