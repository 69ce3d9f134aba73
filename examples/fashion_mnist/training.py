"""The training loop the examples share (Fashion-MNIST, examples/detection): Adam with a
one-cycle learning rate, shuffled mini-batches from a seeded generator, cross-entropy
unless another loss is given."""
import time

import torch
import torch.nn.functional as F


def train(model, x_train, y_train, epochs, batch_size, lr, seed, loss_fn=F.cross_entropy):
    """Trains model in place, printing the loss per epoch; returns seconds taken.
    loss_fn(model output, y_train rows of the batch) -> scalar loss."""
    steps_per_epoch = (len(x_train) + batch_size - 1) // batch_size
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=lr, total_steps=epochs * steps_per_epoch)
    gen = torch.Generator().manual_seed(seed)
    t0 = time.time()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(x_train), generator=gen)
        total_loss = 0.0
        for i in range(0, len(x_train), batch_size):
            idx = perm[i:i + batch_size]
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total_loss += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{epochs}: train loss {total_loss / len(x_train):.4f}, "
              f"{time.time() - t0:.1f} s elapsed", flush=True)
    return time.time() - t0


def fashion_setup(seed, train_limit=0):
    """The Fashion-MNIST scripts' common start: 2 threads, torch and numpy seeded; returns
    (x_train, y_train, x_test, y_test) as tensors, the training set cut to its first
    train_limit images when that is not 0."""
    import numpy as np

    import fashion_data

    torch.set_num_threads(2)
    torch.manual_seed(seed)
    np.random.seed(seed)
    x_train, y_train = (torch.from_numpy(a) for a in fashion_data.load("train"))
    if train_limit:
        x_train, y_train = x_train[:train_limit], y_train[:train_limit]
    x_test, y_test = (torch.from_numpy(a) for a in fashion_data.load("test"))
    return x_train, y_train, x_test, y_test
