package dev.ragplatform.runtime.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * ONNX Runtime sessions as the model services open them: full graph optimisation, sequential execution, the
 * configured intra-op threads (one inter-op thread), no spinning threads unless asked, and the CUDA provider when
 * the device is CUDA, with an error that says how to get it when this build has none.
 */
public final class OnnxSessions {

	private OnnxSessions() {
	}

	/**
	 * How a service runs its models.
	 *
	 * @param prefix the service's property prefix, for messages ({@code rag.embedding})
	 * @param cuda whether the device is CUDA
	 * @param cudaDeviceId the GPU to use
	 * @param intraOpThreads threads per session
	 * @param allowSpinning whether idle ONNX Runtime threads spin
	 */
	public record Settings(String prefix, boolean cuda, int cudaDeviceId, int intraOpThreads, boolean allowSpinning) {
	}

	/** Opens a session from options it then closes (on a resource's bytes, or a file). */
	@FunctionalInterface
	public interface Opener {

		OrtSession open(OrtSession.SessionOptions options) throws OrtException;

	}

	public static OrtSession open(Settings settings, Opener opener) throws OrtException {
		try (OrtSession.SessionOptions options = options(settings)) {
			return opener.open(options);
		}
	}

	public static OrtSession.SessionOptions options(Settings settings) throws OrtException {
		OrtSession.SessionOptions options = new OrtSession.SessionOptions();
		options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
		options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
		options.setIntraOpNumThreads(settings.intraOpThreads());
		options.setInterOpNumThreads(1);
		// spinning ONNX Runtime threads burn the cores that HTTP, JSON and tokenisation need between batches
		options.addConfigEntry("session.intra_op.allow_spinning", settings.allowSpinning() ? "1" : "0");
		if (settings.cuda()) {
			try {
				options.addCUDA(settings.cudaDeviceId());
			}
			catch (OrtException ex) {
				options.close();
				throw new IllegalStateException(settings.prefix() + ".device=cuda, but ONNX Runtime has no CUDA provider "
						+ "here (" + ex.getMessage() + "). Build with the gpu profile (./mvnw -Pgpu package) and run on "
						+ "a machine with an NVIDIA GPU, CUDA 12 and cuDNN 9.", ex);
			}
		}
		return options;
	}

}
