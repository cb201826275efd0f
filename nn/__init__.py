"""nn: modules, layers and losses built from tinygrad_edu Tensor ops.

    >>> from tinygrad_edu import nn
    >>> from tinygrad_edu import Tensor
    >>> model = nn.MLP([2, 16, 16, 1])
    >>> model(Tensor.ones(4, 2)).shape
    (4, 1)
"""
from .module import Module, Parameter
from .linear import Linear, Bilinear, Identity, Flatten, Unflatten, Sequential
from .resampling import (ConstantPad1d, ConstantPad2d, ZeroPad1d, ZeroPad2d, ReflectionPad1d,
                         ReflectionPad2d, ReplicationPad1d, ReplicationPad2d, CircularPad1d,
                         CircularPad2d, Upsample, UpsamplingNearest2d, UpsamplingBilinear2d,
                         PixelShuffle, PixelUnshuffle, Unfold, Fold, ConstantPad3d, ZeroPad3d,
                         ReflectionPad3d, ReplicationPad3d, CircularPad3d)
from .containers import ModuleList, ModuleDict
from .activation import (ReLU, LeakyReLU, ELU, Tanh, Sigmoid, Softplus, Softmax, LogSoftmax, GELU,
                         SiLU, SELU, CELU, Mish, LogSigmoid, Softsign, Tanhshrink, GLU, PReLU,
                         Softmin, Softmax2d)
from .activation_piecewise import (Hardtanh, ReLU6, Hardsigmoid, Hardswish, Threshold, Softshrink,
                                   Hardshrink)
from .mlp import MLP
from . import init
from . import functional
from .autoencoder import (Autoencoder, LinearAutoencoder, DenoisingAutoencoder,
                          ContractiveAutoencoder, TiedLinear, reconstruction_error)
from .vae import VAE, VAELoss, gaussian_kl
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, LayerNorm
from .normalization_group import (GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, RMSNorm,
                                  LocalResponseNorm)
from .embedding import Embedding
from .loss import (MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss,
                   HingeLoss)
from .loss_margin import (SmoothL1Loss, HuberLoss, KLDivLoss, PoissonNLLLoss, GaussianNLLLoss,
                          MarginRankingLoss, SoftMarginLoss, HingeEmbeddingLoss,
                          CosineEmbeddingLoss, MultiMarginLoss, MultiLabelMarginLoss,
                          MultiLabelSoftMarginLoss, TripletMarginLoss,
                          TripletMarginWithDistanceLoss)
from .distance import PairwiseDistance, CosineSimilarity
from .attention import MultiheadAttention
from .transformer import (TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder,
                          TransformerDecoder, Transformer)
from .serialization import save, load
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d
from .pooling import (MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d,
                      AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, MaxUnpool2d,
                      MaxUnpool1d, LPPool1d, LPPool2d)
from .recurrent import RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell
from .lazy import LazyLinear, LazyConv2d
from . import utils
