"""Video files and the pose model: estimators behind `PoseEstimator`, annotated output."""
