import { SegmentEditor } from "../../../components/segment-editor"

const NewSegmentPage = () => <SegmentEditor />

export default NewSegmentPage
