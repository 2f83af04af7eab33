"""Rasa's DIETClassifier, trained as usual, whose intent predictions are computed with NumPy.

With ``number_of_transformer_layers: 0`` (config.yml), DIET's intent prediction for a message
depends on its sentence-level features only: the sentence position of DIET's sequence goes
through position-wise layers alone (sparse-to-dense, feed-forward, embedding), and the intent
scores are that embedding's similarities with the intents' embeddings. That is a few small
matrix products. TensorFlow spent far longer preparing the call than computing it: under the
benchmark's 10-client load, DIET's prediction and the building of its input took about a fifth
of each Rasa server process's time.

``SentenceDIETClassifier`` trains, stores and loads exactly as ``DIETClassifier`` (same
configuration, same stored model). After loading, it reads the trained weights out of DIET's
layers and predicts with them in NumPy (float32, as TensorFlow does). Its scores go through
DIET's own ranking code. Any configuration this shortcut does not cover (a transformer, entity
recognition, dimension-unifying layers, several sparse or dense sentence features) keeps
DIET's TensorFlow path, as does a run that asks for diagnostic data. ``tests/bot/nlu/test_sentence_diet.py``
checks that both paths give the same intents and confidences.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import (
    ENTITY_RECOGNITION,
    FEATURIZERS,
    INTENT_CLASSIFICATION,
    LABEL,
    NUM_TRANSFORMER_LAYERS,
    SENTENCE,
    SEQUENCE,
    SOFTMAX,
)
from rasa.utils.tensorflow.layers import RandomlyConnectedDense
from scipy.special import erf

logger = logging.getLogger(__name__)


def _gelu(x: np.ndarray) -> np.ndarray:
    """TensorFlow's ``tf.nn.gelu`` (exact form, with the error function)."""
    return (0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))).astype(np.float32)


@dataclass
class Dense:
    """A trained dense layer's weights: ``activation(x @ kernel + bias)``."""

    kernel: np.ndarray
    bias: np.ndarray | None
    gelu: bool

    @classmethod
    def of(cls, layer: Any) -> Dense:
        """The weights of a Keras dense layer; a randomly connected one's mask applied."""
        kernel = layer.kernel.numpy()
        if isinstance(layer, RandomlyConnectedDense) and layer.density < 1.0:
            kernel = kernel * layer.kernel_mask.numpy()
        activation = getattr(layer, "activation", None)
        name = getattr(activation, "__name__", "linear")
        if name not in ("linear", "gelu"):
            raise ValueError(f"unsupported activation {name}")
        bias = layer.bias.numpy() if layer.use_bias else None
        return cls(kernel.astype(np.float32), None if bias is None else bias.astype(np.float32), name == "gelu")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self._finish(np.asarray(x @ self.kernel, dtype=np.float32))

    def product(self, blocks: list[scipy.sparse.spmatrix]) -> np.ndarray:
        """The layer applied to ``blocks`` set side by side, without building that matrix."""
        total = np.zeros((1, self.kernel.shape[1]), dtype=np.float64)
        offset = 0
        for block in blocks:
            coo = scipy.sparse.coo_matrix(block)
            rows = self.kernel[offset + coo.col]
            total += (coo.data[:, np.newaxis] * rows).sum(axis=0)
            offset += block.shape[-1]
        return self._finish(total.astype(np.float32))

    def _finish(self, out: np.ndarray) -> np.ndarray:
        if self.bias is not None:
            out = out + self.bias
        return _gelu(out) if self.gelu else out


@dataclass
class IntentHead:
    """What DIET computes from a message's sentence features to its intent scores."""

    signature: list[tuple[bool, int]]  # (is_sparse, units) of each sentence feature, in order
    sparse_to_dense: Dense | None
    feed_forward: list[Dense]
    embed: Dense
    labels: np.ndarray  # the intents' embeddings, one row each
    cosine: bool
    softmax: bool

    @classmethod
    def of(cls, classifier: DIETClassifier) -> IntentHead:
        """Reads the head out of a loaded DIET; ``ValueError`` when it is not this simple."""
        config = classifier.component_config
        if config[ENTITY_RECOGNITION] or not config[INTENT_CLASSIFICATION]:
            raise ValueError("only intent classification is covered")
        model = classifier.model
        sequence_layer = model._tf_layers[f"sequence_layer.{TEXT}"]
        if sequence_layer._has_transformer:
            raise ValueError("a transformer mixes the positions")
        combining = sequence_layer._tf_layers[sequence_layer.FEATURE_COMBINING]
        if any(name.startswith("unify_dims") for name in combining._tf_layers):
            raise ValueError("dimension-unifying layers are not covered")
        signature = [(s.is_sparse, s.units) for s in model.data_signature[TEXT][SENTENCE]]
        if sum(sparse for sparse, _ in signature) > 1 or sum(not sparse for sparse, _ in signature) > 1:
            raise ValueError("several sparse or dense sentence features")
        sentence = combining._tf_layers[f"sparse_dense.{SENTENCE}"]
        sparse_to_dense = sentence._tf_layers.get(sentence.SPARSE_TO_DENSE)
        if any(sparse for sparse, _ in signature) and sparse_to_dense is None:
            raise ValueError("sparse sentence features without their sparse-to-dense layer")
        feed_forward = [
            Dense.of(layer)
            for layer in sequence_layer._tf_layers[sequence_layer.FFNN]._ffn_layers
            if hasattr(layer, "kernel")
        ]
        if model.all_labels_embed is None:
            model.prepare_for_predict()
        loss = model._tf_layers[f"loss.{LABEL}"]
        return cls(
            signature=signature,
            sparse_to_dense=Dense.of(sparse_to_dense) if sparse_to_dense is not None else None,
            feed_forward=feed_forward,
            embed=Dense.of(model._tf_layers[f"embed.{TEXT}"]._dense),
            labels=model.all_labels_embed.numpy().astype(np.float32),
            cosine=loss.similarity_type == "cosine",
            softmax=loss.model_confidence == SOFTMAX,
        )

    def scores(self, sparse: list[scipy.sparse.spmatrix], dense: list[np.ndarray]) -> np.ndarray:
        """The intents' confidences (or similarities) for one message's sentence features.

        ``sparse`` and ``dense`` are the message's sentence features of each kind, in the order
        Rasa combines them (side by side). The sparse ones are multiplied by their own rows of the
        sparse-to-dense kernel and summed, which is the product of their combination.
        """
        parts = []
        for is_sparse, units in self.signature:
            features = sparse if is_sparse else dense
            if not features or sum(feature.shape[-1] for feature in features) != units:
                raise ValueError("the message's sentence features do not match DIET's")
            if is_sparse:
                parts.append(self.sparse_to_dense.product(features))
            else:
                parts.append(
                    np.concatenate([np.asarray(f, dtype=np.float32).reshape(1, -1) for f in features], axis=-1)
                )
        x = np.concatenate(parts, axis=-1)
        for layer in self.feed_forward:
            x = layer(x)
        embedded = self.embed(x)[0]
        labels = self.labels
        if self.cosine:
            embedded = embedded / max(np.linalg.norm(embedded), 1e-12)
            labels = labels / np.maximum(np.linalg.norm(labels, axis=-1, keepdims=True), 1e-12)
        similarities = labels @ embedded
        if not self.softmax:
            return similarities
        exponentials = np.exp(similarities - similarities.max())
        return (exponentials / exponentials.sum()).astype(np.float32)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SentenceDIETClassifier(DIETClassifier):
    """DIETClassifier whose intent predictions skip TensorFlow when the model allows it."""

    _head: IntentHead | None = None
    _head_checked = False

    def head(self) -> IntentHead | None:
        """The NumPy intent head, read once from the loaded model (None: use TensorFlow)."""
        if not self._head_checked:
            self._head_checked = True
            if self.model is not None:
                try:
                    self._head = IntentHead.of(self)
                except (ValueError, KeyError, AttributeError) as error:
                    logger.info(f"DIET predicts with TensorFlow: {error}")
        return self._head

    def _create_model_data(
        self,
        training_data: list[Message],
        label_id_dict: dict[str, int] | None = None,
        label_attribute: str | None = None,
        training: bool = True,
    ) -> Any:
        """DIET's model data, each text's tokens reduced to one empty position when nothing reads
        them (see ``_one_empty_token``)."""
        config = self.component_config
        if config[NUM_TRANSFORMER_LAYERS] == 0 and not config[ENTITY_RECOGNITION]:
            training_data = [_one_empty_token(message) for message in training_data]
        return super()._create_model_data(training_data, label_id_dict, label_attribute, training)

    def tensorflow_predict(self, message: Message) -> dict[str, Any] | None:
        """DIET's own prediction, through TensorFlow."""
        return super()._predict(message)

    def _predict(self, message: Message) -> dict[str, Any] | None:
        head = self.head()
        if head is None or self._execution_context.should_add_diagnostic_data:
            return self.tensorflow_predict(message)
        featurizers = self.component_config.get(FEATURIZERS)
        if not message.features_present(attribute=TEXT, featurizers=featurizers):
            return None
        # The message's sentence features, in the order Rasa would combine them.
        sentence = [
            feature
            for feature in message.features
            if feature.attribute == TEXT
            and feature.type == SENTENCE
            and (not featurizers or feature.origin in featurizers)
        ]
        try:
            scores = head.scores(
                [feature.features for feature in sentence if feature.is_sparse()],
                [feature.features for feature in sentence if feature.is_dense()],
            )
        except ValueError as error:
            logger.warning(f"DIET predicts this message with TensorFlow: {error}")
            return self.tensorflow_predict(message)
        return {"i_scores": scores[np.newaxis, np.newaxis, :]}


def _one_empty_token(message: Message) -> Message:
    """A copy of ``message`` whose text's token features are one position of zeros.

    Without a transformer or entity recognition, DIET's intent loss and scores read the sentence
    position only: every token position goes through its own position-wise layers, and their
    results are never read. Yet DIET pads each training batch to its longest message and computes
    those layers for every position: with patients' stories of a hundred words and more among
    the training messages, that was most of DIET's training time. One position of zeros, each
    kind of feature keeping its width (a sparse one is narrowed to one column: its sparse-to-dense
    layer gives the same number of units whatever its input's width), keeps DIET's layers and
    their sizes, and the sentence position goes through the same computation.
    """
    tokens = [feature for feature in message.features if feature.attribute == TEXT and feature.type == SEQUENCE]
    if not tokens:
        return message
    kept = [feature for feature in message.features if not any(feature is token for token in tokens)]
    empty: list[Features] = []
    sparse = [feature for feature in tokens if feature.is_sparse()]
    if sparse:
        empty.append(Features(scipy.sparse.coo_matrix((1, 1), dtype=np.float32), SEQUENCE, TEXT, sparse[0].origin))
    for feature in tokens:
        if feature.is_dense():
            zeros = np.zeros((1, feature.features.shape[-1]), dtype=feature.features.dtype)
            empty.append(Features(zeros, SEQUENCE, TEXT, feature.origin))
    return Message(
        data=message.data,
        output_properties=message.output_properties,
        time=message.time,
        features=[*kept, *empty],
    )
