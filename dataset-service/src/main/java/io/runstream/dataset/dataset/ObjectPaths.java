package io.runstream.dataset.dataset;

import io.runstream.dataset.storage.ObjectKeys;

/**
 * Where a dataset's objects live in the tenant's area, and the public form of those places
 * ({@code csv_file_path}): {@code /tenants/<tenant>/<key>}.
 */
public final class ObjectPaths {

    private ObjectPaths() {
    }

    public static String datasetPrefix(long datasetId) {
        return "datasets/" + datasetId;
    }

    public static String filePrefix(long datasetId, long fileId) {
        return datasetPrefix(datasetId) + "/files/" + fileId;
    }

    public static String rawKey(long datasetId, long fileId, String sanitizedName) {
        return filePrefix(datasetId, fileId) + "/" + sanitizedName;
    }

    public static String validatedKey(long datasetId, long fileId) {
        return filePrefix(datasetId, fileId) + "/validated.csv";
    }

    public static String publicPath(String tenant, String key) {
        return "/tenants/" + ObjectKeys.tenantSegment(tenant) + "/" + key;
    }

    /** The key of a public path inside the caller's own area, or null for anything else (other tenants, traversal). */
    public static String keyOf(String tenant, String publicPath) {
        if (publicPath == null) {
            return null;
        }
        String area = "/tenants/" + ObjectKeys.tenantSegment(tenant) + "/";
        String path = publicPath.startsWith("/") ? publicPath : "/" + publicPath;
        if (!path.startsWith(area)) {
            return null;
        }
        String key = path.substring(area.length());
        return ObjectKeys.isSafe(key) ? key : null;
    }
}
