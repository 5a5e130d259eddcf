using System.Text.Json;
using System.Text.Json.Serialization;
using CrisisBot.Cards.Actions;

namespace CrisisBot.Cards.Model;

/// <summary>Source-generated serializer metadata for cards and action data (camelCase, nulls omitted, enums as names).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AdaptiveCard))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(AskExpertData))]
[JsonSerializable(typeof(AskQuestionData))]
[JsonSerializable(typeof(LibraryEntryData))]
[JsonSerializable(typeof(LibraryRetireData))]
[JsonSerializable(typeof(LibrarySupersedeData))]
[JsonSerializable(typeof(TopicActionData))]
[JsonSerializable(typeof(MuteTopicData))]
[JsonSerializable(typeof(ProposeCrisisData))]
[JsonSerializable(typeof(QuestionActionData))]
[JsonSerializable(typeof(SubmitAnswerData))]
[JsonSerializable(typeof(AnswerReviewData))]
[JsonSerializable(typeof(ApproveAnswerData))]
[JsonSerializable(typeof(EditAnswerData))]
[JsonSerializable(typeof(RequestChangesData))]
[JsonSerializable(typeof(AnswerUsedData))]
[JsonSerializable(typeof(ReportProblemData))]
[JsonSerializable(typeof(FaqEntryData))]
[JsonSerializable(typeof(LibrarySearchData))]
[JsonSerializable(typeof(LibraryOpenData))]
[JsonSerializable(typeof(SupersededAckData))]
[JsonSerializable(typeof(SlaSnoozeData))]
[JsonSerializable(typeof(SummaryActionData))]
[JsonSerializable(typeof(CrisisActionData))]
[JsonSerializable(typeof(StandDownData))]
[JsonSerializable(typeof(TakeBreakData))]
[JsonSerializable(typeof(DutyOfCareData))]
[JsonSerializable(typeof(CrisisProposalData))]
[JsonSerializable(typeof(StatusUpdateData))]
[JsonSerializable(typeof(DecisionActionData))]
public sealed partial class CardJsonContext : JsonSerializerContext;
