"""Reference outputs of a float32 bidirectional LSTM from PyTorch (Debian's python3-torch), for
BiLstmPyTorchReferenceTests: the same weights and input through TorchSharp must give the same numbers.
Run: python3 make_bilstm_reference.py (writes bilstm_*.npy here)."""
import numpy as np
import torch

torch.manual_seed(20261201)
lstm = torch.nn.LSTM(8, 6, bidirectional=True, batch_first=True)
x = torch.randn(3, 7, 8)
with torch.no_grad():
    output, (h, c) = lstm(x)
for name, parameter in lstm.named_parameters():
    np.save(f"bilstm_{name}.npy", parameter.detach().numpy().astype(np.float32))
np.save("bilstm_input.npy", x.numpy().astype(np.float32))
np.save("bilstm_output.npy", output.numpy().astype(np.float32))
np.save("bilstm_h.npy", h.numpy().astype(np.float32))
np.save("bilstm_c.npy", c.numpy().astype(np.float32))
print(torch.__version__, output.shape, h.shape)
