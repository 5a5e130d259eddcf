namespace CrisisBot.Features.HotTopics.Text;

/// <summary>English stop words plus social-media filler ("rt", "pls", "lol"). Folded forms (no apostrophes).</summary>
internal static class StopWords
{
    public static readonly string[] English =
    [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "arent", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "cant", "could",
        "couldnt", "did", "didnt", "do", "does", "doesnt", "doing", "dont", "down", "during", "each", "few", "for", "from",
        "further", "had", "hadnt", "has", "hasnt", "have", "havent", "having", "he", "hed", "hell", "hes", "her", "here",
        "heres", "hers", "herself", "him", "himself", "his", "how", "hows", "i", "id", "ill", "im", "ive", "if", "in",
        "into", "is", "isnt", "it", "its", "itself", "lets", "me", "more", "most", "my", "myself", "nor", "of", "off",
        "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "shant", "she",
        "shed", "shell", "shes", "should", "shouldnt", "so", "some", "such", "than", "that", "thats", "the", "their",
        "theirs", "them", "themselves", "then", "there", "theres", "these", "they", "theyd", "theyll", "theyre", "theyve",
        "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "wasnt", "we", "wed", "well",
        "were", "weve", "werent", "what", "whats", "when", "whens", "where", "wheres", "which", "while", "who", "whos",
        "whom", "why", "whys", "with", "wont", "would", "wouldnt", "you", "youd", "youll", "youre", "youve", "your",
        "yours", "yourself", "yourselves", "will", "just", "also", "get", "got", "getting", "now", "one", "us", "yet",
        "rt", "amp", "via", "pls", "plz", "please", "thanks", "thank", "thx", "hi", "hey", "hello", "lol", "omg", "guys",
        "ok", "okay", "yes", "oh", "ur", "u", "im", "dm", "anyone", "anybody", "really", "still", "even", "already",
        "today", "yesterday", "week", "weeks", "day", "days", "hours", "hour", "ago", "again", "since", "ever", "never",
    ];
}
