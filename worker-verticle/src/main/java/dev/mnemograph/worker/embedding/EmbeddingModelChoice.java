package dev.mnemograph.worker.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * The embedding models that ship inside the jar (config {@code embedding.model}). On the LoCoMo development
 * split bge-small-en-v1.5-q, the default, finds more and reads up to 510 word-pieces; all-MiniLM-L6-v2-q is
 * faster but finds less and reads only 126 (BENCHMARKS.md, "Search quality").
 *
 * <p>The ONNX files and tokenizers come from langchain4j's model jars, but the session is ours: one ONNX
 * thread per text and no busy-spinning. langchain4j's stock classes use ONNX's default of about one
 * spinning thread per core for every text, which on 2 cores oversubscribes the CPU (slower here: BENCHMARKS.md,
 * "Ingest") and takes it from the API.
 */
public enum EmbeddingModelChoice {
  BGE_SMALL_EN_V15_Q("bge-small-en-v1.5-q", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
      PoolingMode.CLS),
  ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
      PoolingMode.MEAN);

  static final int DIMENSION = 384;

  private final String configName;
  private final String onnxResource;
  private final String tokenizerResource;
  private final PoolingMode pooling;

  EmbeddingModelChoice(String configName, String onnxResource, String tokenizerResource, PoolingMode pooling) {
    this.configName = configName;
    this.onnxResource = onnxResource;
    this.tokenizerResource = tokenizerResource;
    this.pooling = pooling;
  }

  public String configName() {
    return configName;
  }

  public int dimension() {
    return DIMENSION;
  }

  /** Texts of one embedAll call run in parallel on {@code executor}, each on one ONNX thread. */
  EmbeddingModel load(Executor executor) {
    try (InputStream onnx = resource(onnxResource); InputStream tokenizer = resource(tokenizerResource)) {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(env, env.createSession(onnx.readAllBytes(), options),
          tokenizer, pooling);
      return new AbstractInProcessEmbeddingModel(executor) {
        @Override
        protected OnnxBertBiEncoder model() {
          return encoder;
        }

        @Override
        protected Integer knownDimension() {
          return DIMENSION;
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (OrtException e) {
      throw new IllegalStateException("Cannot load the ONNX model " + onnxResource, e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = EmbeddingModelChoice.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("The model file " + name + " is missing from the classpath");
    }
    return in;
  }

  public static EmbeddingModelChoice of(String configName) {
    return Arrays.stream(values()).filter(m -> m.configName.equals(configName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("embedding.model '" + configName + "' is not one of "
            + Arrays.stream(values()).map(EmbeddingModelChoice::configName).toList()));
  }
}
