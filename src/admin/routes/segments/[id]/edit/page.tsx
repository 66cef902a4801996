import { useParams } from "react-router-dom"
import { SegmentEditor } from "../../../../components/segment-editor"
import { ErrorState, LoadingRows } from "../../../../components/states"
import { useSegment } from "../../../../lib/api"

const EditSegmentPage = () => {
  const { id } = useParams()
  const { data, isLoading, isError, error, refetch } = useSegment(id)
  if (isLoading) return <LoadingRows label="Loading segment…" />
  if (isError || !data) return <ErrorState error={error} onRetry={() => refetch()} />
  return <SegmentEditor key={data.segment.id + data.segment.version} segment={data.segment} />
}

export default EditSegmentPage
