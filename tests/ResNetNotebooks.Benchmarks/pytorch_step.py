"""The chapter's PyTorch training step, timed: the side of the benchmark that runs PyTorch.

The network is d2l's ResNet-18 exactly as the chapter "Residual Networks (ResNet) and ResNeXt" writes it (PyTorch
edition, d2l 0.17: `Residual`, `resnet_block`, the `nn.Sequential` of b1..b5, one input channel, ten classes) and
the step is d2l's `train_ch6` inner loop: `optimizer.zero_grad()`, forward, cross-entropy, `backward()`,
`optimizer.step()`, on random images prepared once (no data loading is timed). The optimizer gets the settings
the benchmark passes (those of the C# trainer it is compared with).

Run by tests/ResNetNotebooks.Benchmarks (Program.cs) as a child process, with Debian's python3-torch:

    /usr/bin/python3 pytorch_step.py SIZE BATCH BATCHES THREADS LR MOMENTUM WEIGHT_DECAY NESTEROV(0|1)

It prints "ready" once the model is built and one warm-up pass is done, then for every line read from standard
input it trains BATCHES batches and prints the images per second of that pass; it ends at end of input.
"""

import sys
import time

import torch
from torch import nn
from torch.nn import functional as F


class Residual(nn.Module):
    """d2l's residual block (PyTorch edition), unchanged."""

    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


def resnet_block(input_channels, num_channels, num_residuals, first_block=False):
    """d2l's resnet_block, unchanged."""
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(Residual(num_channels, num_channels))
    return blk


def d2l_resnet18():
    """d2l's nn.Sequential ResNet-18 for Fashion-MNIST, unchanged."""
    b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3),
                       nn.BatchNorm2d(64), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b2 = nn.Sequential(*resnet_block(64, 64, 2, first_block=True))
    b3 = nn.Sequential(*resnet_block(64, 128, 2))
    b4 = nn.Sequential(*resnet_block(128, 256, 2))
    b5 = nn.Sequential(*resnet_block(256, 512, 2))
    return nn.Sequential(b1, b2, b3, b4, b5, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))


def main():
    size, batch, batches, threads = (int(a) for a in sys.argv[1:5])
    lr, momentum, weight_decay = (float(a) for a in sys.argv[5:8])
    nesterov = sys.argv[8] == "1"
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = d2l_resnet18()
    net.train()
    optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay, nesterov=nesterov)
    loss = nn.CrossEntropyLoss()
    data = [(torch.rand(batch, 1, size, size), torch.randint(0, 10, (batch,))) for _ in range(batches)]

    def one_pass():
        start = time.perf_counter()
        for X, y in data:
            optimizer.zero_grad()
            l = loss(net(X), y)
            l.backward()
            optimizer.step()
        return batches * batch / (time.perf_counter() - start)

    one_pass()
    print(f"ready torch {torch.__version__} threads {torch.get_num_threads()}", flush=True)
    for _ in sys.stdin:
        print(f"{one_pass():.3f}", flush=True)


if __name__ == "__main__":
    main()
