// libtorch's thread count (torch.set_num_threads) and manual seed are process-wide: test classes that set them must
// not run at the same time as classes that assert bit-equal results.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
