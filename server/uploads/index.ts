export { UploadService, UPLOAD_LIMITS, mediaPath } from "./service.ts";
export { LocalDiskStore, FileTooLargeError, type FileStore, type StreamingFileStore } from "./store.ts";
export { sniffImage, looksLikeMarkup } from "./sniff.ts";
export { EvidenceService, EVIDENCE_MAX_BYTES, sniffEvidence } from "./evidence.ts";
export { createRemoteImageFetcher, isForbiddenAddress, RemoteImageError, REMOTE_IMAGE_LIMITS, type RemoteImageFetcher } from "./remote-image.ts";
