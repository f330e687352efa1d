namespace Nabla.Distributed;

/// <summary>How a collective combines the ranks' tensors (torch.distributed.ReduceOp).</summary>
public enum ReduceOp
{
    /// <summary>Element-wise sum over ranks (ReduceOp.SUM).</summary>
    Sum,
    /// <summary>Element-wise mean over ranks: the sum divided by the world size (ReduceOp.AVG).</summary>
    Avg,
    /// <summary>Element-wise product over ranks (ReduceOp.PRODUCT).</summary>
    Product,
    /// <summary>Element-wise minimum over ranks (ReduceOp.MIN).</summary>
    Min,
    /// <summary>Element-wise maximum over ranks (ReduceOp.MAX).</summary>
    Max,
}
