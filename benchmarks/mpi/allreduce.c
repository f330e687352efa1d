/* MPICH's own MPI_Allreduce from C, the baseline for Nabla's allreduce-bandwidth scenario
 * (tests/Nabla.Distributed.Worker/Scenarios.Bandwidth.cs): the same sizes, iteration rule and columns.
 *   mpicc -O2 benchmarks/mpi/allreduce.c -o /tmp/allreduce && mpirun -np 2 /tmp/allreduce
 * (mpicc comes with libmpich-dev; Nabla itself needs only the runtime package mpich.) */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, n;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  if (rank == 0) printf("%12s %6s %11s %13s %13s\n", "bytes", "iters", "time (us)", "algbw (GB/s)", "busbw (GB/s)");
  for (long bytes = 4096; bytes <= 64L * 1024 * 1024; bytes *= 4) {
    int count = (int)(bytes / 4);
    float* buf = calloc(count, 4);
    MPI_Allreduce(MPI_IN_PLACE, buf, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); /* warm-up */
    double t0 = MPI_Wtime();
    for (int i = 0; i < 3; i++) MPI_Allreduce(MPI_IN_PLACE, buf, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    int iters = (int)(0.5 / ((MPI_Wtime() - t0) / 3));
    iters = iters < 3 ? 3 : iters > 2000 ? 2000 : iters;
    MPI_Bcast(&iters, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    t0 = MPI_Wtime();
    for (int i = 0; i < iters; i++) MPI_Allreduce(MPI_IN_PLACE, buf, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    double t = (MPI_Wtime() - t0) / iters, slowest;
    MPI_Allreduce(&t, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    double algbw = bytes / slowest / 1e9;
    if (rank == 0) printf("%12ld %6d %11.1f %13.3f %13.3f\n", bytes, iters, slowest * 1e6, algbw, algbw * 2 * (n - 1) / n);
    free(buf);
  }
  MPI_Finalize();
  return 0;
}
