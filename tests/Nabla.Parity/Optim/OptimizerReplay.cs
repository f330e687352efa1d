using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Nabla.Parity.Optim;

/// <summary>
/// PyTorch's single-tensor optimizer loops (torch/optim/*.py with foreach=False, not capturable, not differentiable)
/// replayed operation by operation on libtorch tensor ops: the reference the Nabla optimizers are held to.
/// One instance holds the per-parameter state of one optimizer run.
/// </summary>
internal sealed class OptimizerReplay(string kind, Dictionary<string, double> o)
{
    private readonly Dictionary<int, Dictionary<string, TT>> _state = new();

    private double O(string key, double fallback) => o.TryGetValue(key, out var v) ? v : fallback;
    private bool B(string key) => O(key, 0) != 0;

    private Dictionary<string, TT> State(int i) => _state.TryGetValue(i, out var s) ? s : _state[i] = new();

    private static TT Zeros(TT p) => torch.zeros_like(p);

    private static double Step(Dictionary<string, TT> s)
    {
        if (!s.ContainsKey("step")) s["step"] = torch.tensor(0f);
        s["step"].add_(1);
        return s["step"].item<float>();
    }

    /// <summary>One optimizer.step() over <paramref name="ps"/> with gradients <paramref name="gs"/>.</summary>
    public void Step(TT[] ps, TT[] gs)
    {
        using var noGrad = torch.no_grad();
        for (int i = 0; i < ps.Length; i++)
        {
            var p = ps[i];
            var grad = B("maximize") ? -gs[i] : gs[i];
            var s = State(i);
            switch (kind)
            {
                case "sgd": Sgd(p, grad, s); break;
                case "adam": Adam(p, grad, s, decoupled: false); break;
                case "adamw": Adam(p, grad, s, decoupled: true); break;
                case "rmsprop": Rmsprop(p, grad, s); break;
                case "adagrad": Adagrad(p, grad, s); break;
                case "adadelta": Adadelta(p, grad, s); break;
                case "adamax": Adamax(p, grad, s); break;
                case "nadam": Nadam(p, grad, s); break;
                case "radam": Radam(p, grad, s); break;
                default: throw new ArgumentException(kind);
            }
        }
    }

    private TT Coupled(TT p, TT grad, bool decoupled = false)
    {
        double wd = O("weight_decay", 0);
        return wd != 0 && !decoupled ? grad.add(p, alpha: wd) : grad;
    }

    private static void Lerp(TT self, TT end, double weight) => self.lerp_(end, torch.tensor(weight, torch.float32));

    private void Sgd(TT p, TT grad, Dictionary<string, TT> s)
    {
        double lr = O("lr", 1e-3), momentum = O("momentum", 0), dampening = O("dampening", 0);
        grad = Coupled(p, grad);
        if (momentum != 0)
        {
            if (!s.TryGetValue("momentum_buffer", out var buf)) s["momentum_buffer"] = buf = grad.clone().detach();
            else buf.mul_(momentum).add_(grad, alpha: 1 - dampening);
            grad = B("nesterov") ? grad.add(buf, alpha: momentum) : buf;
        }
        p.add_(grad, alpha: -lr);
    }

    private void Adam(TT p, TT grad, Dictionary<string, TT> s, bool decoupled)
    {
        double lr = O("lr", 1e-3), beta1 = O("beta1", 0.9), beta2 = O("beta2", 0.999), eps = O("eps", 1e-8);
        double wd = O("weight_decay", decoupled ? 1e-2 : 0);
        if (!s.ContainsKey("exp_avg")) { s["exp_avg"] = Zeros(p); s["exp_avg_sq"] = Zeros(p); if (B("amsgrad")) s["max_exp_avg_sq"] = Zeros(p); }
        double step = Step(s);
        if (wd != 0)
        {
            if (decoupled) p.mul_(1 - lr * wd);
            else grad = grad.add(p, alpha: wd);
        }
        Lerp(s["exp_avg"], grad, 1 - beta1);
        s["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        double stepSize = lr / bc1, bc2Sqrt = Math.Pow(bc2, 0.5);
        TT denom;
        if (B("amsgrad"))
        {
            s["max_exp_avg_sq"].copy_(torch.maximum(s["max_exp_avg_sq"], s["exp_avg_sq"]));
            denom = (s["max_exp_avg_sq"].sqrt() / bc2Sqrt).add_(eps);
        }
        else denom = (s["exp_avg_sq"].sqrt() / bc2Sqrt).add_(eps);
        p.addcdiv_(s["exp_avg"], denom, value: -stepSize);
    }

    private void Rmsprop(TT p, TT grad, Dictionary<string, TT> s)
    {
        double lr = O("lr", 1e-2), alpha = O("alpha", 0.99), eps = O("eps", 1e-8), momentum = O("momentum", 0);
        if (!s.ContainsKey("square_avg")) { s["square_avg"] = Zeros(p); if (momentum > 0) s["momentum_buffer"] = Zeros(p); if (B("centered")) s["grad_avg"] = Zeros(p); }
        Step(s);
        grad = Coupled(p, grad);
        var squareAvg = s["square_avg"];
        squareAvg.mul_(alpha).addcmul_(grad, grad, value: 1 - alpha);
        TT avg;
        if (B("centered"))
        {
            Lerp(s["grad_avg"], grad, 1 - alpha);
            avg = squareAvg.addcmul(s["grad_avg"], s["grad_avg"], value: -1).sqrt_();
        }
        else avg = squareAvg.sqrt();
        avg = avg.add_(eps);
        if (momentum > 0)
        {
            var buf = s["momentum_buffer"];
            buf.mul_(momentum).addcdiv_(grad, avg);
            p.add_(buf, alpha: -lr);
        }
        else p.addcdiv_(grad, avg, value: -lr);
    }

    private void Adagrad(TT p, TT grad, Dictionary<string, TT> s)
    {
        double lr = O("lr", 1e-2), lrDecay = O("lr_decay", 0), eps = O("eps", 1e-10);
        if (!s.ContainsKey("sum")) s["sum"] = torch.full_like(p, O("initial_accumulator_value", 0));
        double step = Step(s);
        grad = Coupled(p, grad);
        double clr = lr / (1 + (step - 1) * lrDecay);
        s["sum"].addcmul_(grad, grad, value: 1);
        var std = s["sum"].sqrt().add_(eps);
        p.addcdiv_(grad, std, value: -clr);
    }

    private void Adadelta(TT p, TT grad, Dictionary<string, TT> s)
    {
        double lr = O("lr", 1.0), rho = O("rho", 0.9), eps = O("eps", 1e-6);
        if (!s.ContainsKey("square_avg")) { s["square_avg"] = Zeros(p); s["acc_delta"] = Zeros(p); }
        Step(s);
        grad = Coupled(p, grad);
        s["square_avg"].mul_(rho).addcmul_(grad, grad, value: 1 - rho);
        var std = s["square_avg"].add(eps).sqrt_();
        var delta = s["acc_delta"].add(eps).sqrt_();
        delta.div_(std).mul_(grad);
        s["acc_delta"].mul_(rho).addcmul_(delta, delta, value: 1 - rho);
        p.add_(delta, alpha: -lr);
    }

    private void Adamax(TT p, TT grad, Dictionary<string, TT> s)
    {
        double lr = O("lr", 2e-3), beta1 = O("beta1", 0.9), beta2 = O("beta2", 0.999), eps = O("eps", 1e-8);
        if (!s.ContainsKey("exp_avg")) { s["exp_avg"] = Zeros(p); s["exp_inf"] = Zeros(p); }
        double step = Step(s);
        grad = Coupled(p, grad);
        Lerp(s["exp_avg"], grad, 1 - beta1);
        s["exp_inf"].copy_(torch.maximum(s["exp_inf"].mul_(beta2), grad.abs().add_(eps)));
        double clr = lr / (1 - Math.Pow(beta1, step));
        p.addcdiv_(s["exp_avg"], s["exp_inf"], value: -clr);
    }

    private void Nadam(TT p, TT grad, Dictionary<string, TT> s)
    {
        double lr = O("lr", 2e-3), beta1 = O("beta1", 0.9), beta2 = O("beta2", 0.999), eps = O("eps", 1e-8);
        double wd = O("weight_decay", 0), momentumDecay = O("momentum_decay", 4e-3);
        if (!s.ContainsKey("exp_avg")) { s["mu_product"] = torch.tensor(1f); s["exp_avg"] = Zeros(p); s["exp_avg_sq"] = Zeros(p); }
        double step = Step(s);
        double bc2 = 1 - Math.Pow(beta2, step);
        if (wd != 0)
        {
            if (B("decoupled_weight_decay")) p.mul_(1 - lr * wd);
            else grad = grad.add(p, alpha: wd);
        }
        double mu = beta1 * (1.0 - 0.5 * Math.Pow(0.96, step * momentumDecay));
        double muNext = beta1 * (1.0 - 0.5 * Math.Pow(0.96, (step + 1) * momentumDecay));
        s["mu_product"].mul_(mu);
        Lerp(s["exp_avg"], grad, 1 - beta1);
        s["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
        var denom = s["exp_avg_sq"].div(bc2).sqrt();
        double muProduct = s["mu_product"].item<float>();
        double muProductNext = muProduct * muNext;
        denom.add_(eps);
        p.addcdiv_(grad, denom, value: -lr * (1.0 - mu) / (1.0 - muProduct));
        p.addcdiv_(s["exp_avg"], denom, value: -lr * muNext / (1.0 - muProductNext));
    }

    private void Radam(TT p, TT grad, Dictionary<string, TT> s)
    {
        double lr = O("lr", 1e-3), beta1 = O("beta1", 0.9), beta2 = O("beta2", 0.999), eps = O("eps", 1e-8), wd = O("weight_decay", 0);
        if (!s.ContainsKey("exp_avg")) { s["exp_avg"] = Zeros(p); s["exp_avg_sq"] = Zeros(p); }
        double step = Step(s);
        if (wd != 0)
        {
            if (B("decoupled_weight_decay")) p.mul_(1 - lr * wd);
            else grad = grad.add(p, alpha: wd);
        }
        Lerp(s["exp_avg"], grad, 1 - beta1);
        s["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        var corrected = s["exp_avg"] / bc1;
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * step * Math.Pow(beta2, step) / bc2;
        if (rhoT > 5.0)
        {
            double rect = Math.Pow((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT), 0.5);
            var adaptive = s["exp_avg_sq"].sqrt().add_(eps).reciprocal() * Math.Pow(bc2, 0.5);
            p.add_(corrected * lr * adaptive * rect);
        }
        else p.add_(corrected * lr);
    }
}
